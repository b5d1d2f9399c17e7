/*
 * Cortex-M startup shared by every M-profile board: vector table, reset handler (copies .data,
 * zeroes .bss, calls main, exits with its status), and fault handlers that report over
 * semihosting and end the run with failure instead of hanging.
 * The symbols come from the board's linker script.
 */
#include <stdint.h>

#include "board.h"
#include "semihosting.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);

/* Weak aliases so a program may override any handler. */
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));

/* v7-M and v8-M Mainline (M33, M55; gcc 12 names Armv8.1-M 8M_MAIN too) have the configurable fault
 * status register; v6-M and v8-M Baseline do not. */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) \
    || defined(__ARM_ARCH_8_1M_MAIN__)
#define BOARD_HAS_CFSR 1
#else
#define BOARD_HAS_CFSR 0
#endif

/* Exception 7 is SecureFault on v8-M Mainline with the Security Extension (reserved elsewhere). */
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
void SecureFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
#define BOARD_VECTOR_7 SecureFault_Handler
#else
#define BOARD_VECTOR_7 0
#endif

typedef void (*vector_t)(void);

/* 16 core exceptions + 32 external interrupts (all to the default handler). */
__attribute__((section(".isr_vector"), used)) const vector_t board_vectors[16 + 32] = {
    (vector_t)(uintptr_t)_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    BOARD_VECTOR_7, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 47] = Default_Handler,
};

__attribute__((noreturn, used)) void Reset_Handler(void) {
    uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = _sbss; dst < _ebss;) {
        *dst++ = 0u;
    }
    board_exit(main());
}

/* Reports the stacked pc/lr and the fault status, then exits with failure. */
__attribute__((noreturn, used)) static void fault_report(const uint32_t *frame, uint32_t exc_return) {
    board_write("\n*** HardFault pc=");
    board_write_hex(frame[6]);
    board_write(" lr=");
    board_write_hex(frame[5]);
    board_write(" exc_return=");
    board_write_hex(exc_return);
#if BOARD_HAS_CFSR
    board_write(" cfsr=");
    board_write_hex(*(volatile uint32_t *)0xE000ED28u);
#endif
    board_write(" ***\n");
    semihosting_call(SEMIHOSTING_SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_INTERNAL_ERROR);
    for (;;) {
    }
}

/* Picks the stack the exception frame was pushed to (MSP or PSP); works on v6-M too. */
__attribute__((naked)) void HardFault_Handler(void) {
    __asm__ volatile(
        "mov r1, lr\n"
        "movs r0, #4\n"
        "tst r0, r1\n"
        "bne 1f\n"
        "mrs r0, msp\n"
        "b 2f\n"
        "1:\n"
        "mrs r0, psp\n"
        "2:\n"
        "ldr r2, =fault_report\n"
        "bx r2\n");
}

void Default_Handler(void) {
    board_write("\n*** HardFault unexpected interrupt ***\n");
    semihosting_call(SEMIHOSTING_SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_INTERNAL_ERROR);
    for (;;) {
    }
}
