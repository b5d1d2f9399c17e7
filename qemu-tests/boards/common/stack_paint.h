/*
 * Stack painting shared by every board: board_count_begin fills the free stack below its own stack
 * pointer with a pattern, board_count_end finds the deepest word the counted region overwrote and
 * prints "@mcugen stack <bytes>". Measuring the stack this way needs no call-graph analysis (function
 * pointers, library calls and interrupt frames are all included) and reads the same on every target.
 *
 * The figure is taken from the stack pointer inside board_count_begin, so the caller's own frame is
 * not in it and board_count_begin's frame (a few words) is not either. The BOARD_STACK_MARGIN bytes
 * right below that pointer stay unpainted (begin's own scratch, x86-64's red zone): a region that
 * used less reads as BOARD_STACK_MARGIN (an upper bound). A region that overwrote even the lowest
 * painted word reads as the whole painted depth (a lower bound: the stack overflowed the paint).
 */
#ifndef MCUGEN_STACK_PAINT_H
#define MCUGEN_STACK_PAINT_H

#include <stdint.h>

#include "board.h"

/* The harness of mcugen verify paints with the same word, so its own measurement is not disturbed. */
#define BOARD_STACK_PAINT 0xC0DEFACEu

static uintptr_t board_stack_ref;
static volatile uint32_t *board_stack_low;
static volatile uint32_t *board_stack_high;

/* The current stack pointer (inline, so it is the stack pointer of board_count_begin). */
static inline __attribute__((always_inline)) uintptr_t board_stack_pointer(void) {
    uintptr_t sp;
#if defined(__x86_64__)
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#else
    sp = (uintptr_t)__builtin_frame_address(0);
#endif
    return sp;
}

/* Paints from max(floor, sp - margin - depth) up to sp - margin (word aligned). */
static inline __attribute__((always_inline)) void board_stack_paint(uintptr_t floor, uintptr_t depth,
                                                                    uintptr_t margin) {
    uintptr_t ref = board_stack_pointer();
    uintptr_t high = (ref - margin) & ~(uintptr_t)3u;
    uintptr_t low = high > depth && high - depth > floor ? high - depth : floor;
    low = (low + 3u) & ~(uintptr_t)3u;
    if (low > high) {
        low = high;
    }
    board_stack_ref = ref;
    board_stack_low = (volatile uint32_t *)low;
    board_stack_high = (volatile uint32_t *)high;
    for (volatile uint32_t *p = board_stack_low; p < board_stack_high; p++) {
        *p = BOARD_STACK_PAINT;
    }
}

/* Bytes between the reference stack pointer and the deepest overwritten word; prints the marker line. */
static void board_stack_report(void) {
    volatile uint32_t *p = board_stack_low;
    while (p < board_stack_high && *p == BOARD_STACK_PAINT) {
        p++;
    }
    board_write("@mcugen stack ");
    board_write_uint((uint32_t)(board_stack_ref - (uintptr_t)p));
    board_write("\n");
}

#endif
