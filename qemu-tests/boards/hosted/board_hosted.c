/* The board API on a hosted target: native host (gcc) and AArch64 Linux under qemu-aarch64. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"

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

void board_write_int(int32_t v) {
    if (v < 0) {
        board_write("-");
        board_write_uint(0u - (uint32_t)v);
    } else {
        board_write_uint((uint32_t)v);
    }
}

void board_write_hex(uint32_t v) {
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++) {
        uint32_t nibble = (v >> (28 - 4 * i)) & 0xFu;
        buf[2 + i] = (char)(nibble < 10u ? '0' + nibble : 'a' + (nibble - 10u));
    }
    buf[10] = '\0';
    board_write(buf);
}

void board_write_kv(const char *label, int32_t v) {
    board_write(label);
    board_write_int(v);
    board_write("\n");
}

void board_exit(int code) {
    exit(code);
}

/* Markers only: under qemu-aarch64 the runner counts the instructions executed between them in the
 * exec trace (-singlestep -d exec,nochain), found by symbol name. The asm keeps them from being
 * merged or dropped. */
__attribute__((noinline)) void board_count_begin(void) {
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void board_count_end(void) {
    __asm__ volatile("" ::: "memory");
}
