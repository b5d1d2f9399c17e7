#include <stdint.h>

#include "board.h"

/* Like mcugen verify's harness: 20 "inferences" of about a million instructions each, the first one
 * between the counting markers. */
#ifndef SAMPLES
#define SAMPLES 20
#endif

static volatile uint32_t table[256];

__attribute__((noinline)) static uint32_t infer(uint32_t seed) {
    uint32_t acc = seed;
    for (int r = 0; r < 1000; r++) {
        for (int i = 0; i < 128; i++) {
            acc = acc * 1664525u + table[(acc >> 24) & 0xFFu] + (uint32_t)i;
        }
    }
    return acc;
}

int main(void) {
    for (int i = 0; i < 256; i++) {
        table[i] = (uint32_t)i * 2654435761u;
    }
    for (int s = 0; s < SAMPLES; s++) {
        uint32_t y;
        if (s == 0) {
            board_count_begin();
            y = infer((uint32_t)s);
            board_count_end();
        } else {
            y = infer((uint32_t)s);
        }
        board_write("y ");
        board_write_int(s);
        board_write(": ");
        board_write_hex(y);
        board_write("\n");
    }
    board_write("done\n");
    return 0;
}
