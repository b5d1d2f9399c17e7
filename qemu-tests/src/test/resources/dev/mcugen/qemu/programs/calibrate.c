#include "board.h"

/* A loop of exactly 2 * ITERATIONS instructions (subs + branch per iteration) plus one load. */
#ifndef ITERATIONS
#define ITERATIONS 250000
#endif

int main(void) {
    board_count_begin();
#if defined(__aarch64__)
    __asm__ volatile("ldr x0, =%c0\n1: subs x0, x0, #1\n b.ne 1b\n" ::"i"(ITERATIONS) : "x0", "cc");
#elif defined(__arm__)
    __asm__ volatile(".syntax unified\n ldr r0, =%c0\n1: subs r0, r0, #1\n bne 1b\n" ::"i"(ITERATIONS) : "r0", "cc");
#else
    for (volatile int i = 0; i < ITERATIONS; i++) {
    }
#endif
    board_count_end();
    board_write("calibrated\n");
    return 0;
}
