/* The board API on a hosted target: native host (gcc) and AArch64 Linux under qemu-aarch64. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "../common/stack_paint.h"

void board_write(const char *s) {
    size_t left = strlen(s);
    while (left > 0) {
        ssize_t n = write(1, s, left);
        if (n <= 0) {
            return;
        }
        s += n;
        left -= (size_t)n;
    }
}

void board_write_uint(uint32_t v) {
    char buf[11];
    int i = 10;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    board_write(&buf[i]);
}

#include "../common/board_format.h"

void board_exit(int code) {
    exit(code);
}

/* Stack: 64 KiB painted below board_count_begin (the hosted stack grows on demand). */
#define BOARD_STACK_DEPTH (64u * 1024u)
#define BOARD_STACK_MARGIN 128u

/* Counting: under qemu-aarch64 the runner counts the instructions executed from the entry of
 * mcugen_count_start to the entry of board_count_end in QEMU's exec trace, found by symbol name.
 * board_count_begin paints the stack first and then tail-calls the marker (its own epilogue runs
 * before the branch), so neither the painting nor the stack report in board_count_end is counted and
 * a region costs what it did when board_count_begin was an empty marker: its return, the region, and
 * the call of board_count_end. noipa keeps the marker from being inlined, cloned or folded. */
__attribute__((noipa)) void mcugen_count_start(void) {
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void board_count_begin(void) {
    board_stack_paint(0u, BOARD_STACK_DEPTH, BOARD_STACK_MARGIN);
    mcugen_count_start();
}

__attribute__((noinline)) void board_count_end(void) {
    board_stack_report();
}
