/* The board API over ARM semihosting and SysTick, shared by every Cortex-M board. */
#include <stdint.h>

#include "board.h"
#include "semihosting.h"
#include "../common/stack_paint.h"

/* Stack: everything from the bottom of the linker script's STACK_SIZE reservation up to
 * board_count_begin is painted (before SysTick starts, so it is not counted). */
#define BOARD_STACK_MARGIN 64u
extern uint32_t _sstack[];

void board_write(const char *s) {
    semihosting_call(SEMIHOSTING_SYS_WRITE0, s);
}

/* Decimal by repeated subtraction: no division, so no __aeabi_uidiv on Cortex-M0. */
void board_write_uint(uint32_t v) {
    static const uint32_t powers[10] = {1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
                                        10000u,      1000u,      100u,      10u,      1u};
    char buf[11];
    int n = 0;
    for (int i = 0; i < 10; i++) {
        char digit = '0';
        while (v >= powers[i]) {
            v -= powers[i];
            digit++;
        }
        if (digit != '0' || n > 0 || i == 9) {
            buf[n++] = digit;
        }
    }
    buf[n] = '\0';
    board_write(buf);
}

#include "../common/board_format.h"

void board_exit(int code) {
    if (code == 0) {
        semihosting_call(SEMIHOSTING_SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
    } else {
        /* SYS_EXIT_EXTENDED carries the status code on AArch32 (QEMU exits with it). */
        static uint32_t block[2];
        block[0] = ADP_STOPPED_APPLICATION_EXIT;
        block[1] = (uint32_t)code;
        semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, block);
        semihosting_call(SEMIHOSTING_SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_INTERNAL_ERROR);
    }
    for (;;) {
    }
}

/* SysTick: CSR 0xE000E010, RVR 0xE000E014, CVR 0xE000E018 (24-bit down-counter). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 1u
#define SYST_CSR_TICKINT 2u
#define SYST_CSR_CLKSOURCE_CPU 4u
#define SYST_RELOAD 0xFFFFFFu

static volatile uint32_t systick_wraps;

void SysTick_Handler(void) {
    systick_wraps++;
}

__attribute__((noinline)) void board_count_begin(void) {
    board_stack_paint((uintptr_t)_sstack, UINTPTR_MAX, BOARD_STACK_MARGIN);
    SYST_CSR = 0u;
    SYST_RVR = SYST_RELOAD;
    systick_wraps = 0u;
    SYST_CVR = 0u; /* any write clears the counter; it reloads on the next tick */
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

__attribute__((noinline)) void board_count_end(void) {
    uint32_t now = SYST_CVR;
    SYST_CSR = 0u;
    uint32_t wraps = systick_wraps;
    if ((*(volatile uint32_t *)0xE000ED04u) & (1u << 26)) { /* ICSR.PENDSTSET: a wrap not yet serviced */
        wraps++;
    }
    /* Writing CVR cleared it to 0; the next tick loads RVR, so the counter walks RELOAD..0 and each
     * reload period is RELOAD + 1 ticks. A 32-bit total covers 256 wraps (about 10^11 instructions). */
    uint32_t ticks = wraps * (SYST_RELOAD + 1u) + (now == 0u ? 0u : SYST_RELOAD + 1u - now);
    board_write("@mcugen ticks ");
    board_write_uint(ticks);
    board_write("\n");
    board_stack_report();
}
