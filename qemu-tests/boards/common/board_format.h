/*
 * The formatted board_write_* functions of board.h, shared by every board: each board defines only
 * board_write and board_write_uint (the Cortex-M one without division, for the M0) and includes this
 * file once, after them.
 */
#ifndef MCUGEN_BOARD_FORMAT_H
#define MCUGEN_BOARD_FORMAT_H

#include <stdint.h>

#include "board.h"

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

#endif
