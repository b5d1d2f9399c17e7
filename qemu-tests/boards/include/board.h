/*
 * mcugen board support: the same tiny API on every target (host, Cortex-M under qemu-system-arm,
 * AArch64 under qemu-aarch64). No printf, no floating point.
 */
#ifndef MCUGEN_BOARD_H
#define MCUGEN_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a NUL-terminated string to the test output (semihosting SYS_WRITE0 on Cortex-M). */
void board_write(const char *s);
/* Writes a signed / unsigned decimal integer, or 0x-prefixed 8-digit hex. */
void board_write_int(int32_t v);
void board_write_uint(uint32_t v);
void board_write_hex(uint32_t v);
/* board_write(label), the decimal value, then a newline. */
void board_write_kv(const char *label, int32_t v);

/* Ends the program with this exit status (0 = success). Never returns. */
void board_exit(int code) __attribute__((noreturn));

/*
 * Work counting around a region. Cortex-M: begin starts SysTick (processor clock, reload 0xFFFFFF,
 * wraps counted by the SysTick interrupt); end prints "@mcugen ticks <n>" with the SysTick ticks
 * elapsed, which the runner multiplies by the board's calibrated instructions-per-tick factor.
 * AArch64 (qemu-aarch64): the runner counts the executed instructions between the markers from
 * QEMU's exec trace. Host: no counting.
 * Every target also measures the region's stack: begin paints the free stack, end prints
 * "@mcugen stack <bytes>" (see boards/common/stack_paint.h). The runner strips "@mcugen" lines.
 * Regions must not nest.
 */
void board_count_begin(void);
void board_count_end(void);

#ifdef __cplusplus
}
#endif

#endif
