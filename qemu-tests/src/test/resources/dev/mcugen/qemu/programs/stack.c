#include <stdint.h>

#include "board.h"

/* Four nested frames of at least 256 bytes each: the counted region needs more than 1 KiB of stack. */
__attribute__((noinline)) static uint32_t deep(int n) {
    volatile uint8_t buf[256];
    for (int i = 0; i < 256; i++) {
        buf[i] = (uint8_t)(i + n);
    }
    uint32_t s = buf[n];
    if (n > 0) {
        s += deep(n - 1);
    }
    return s + buf[255 - n];
}

int main(void) {
    board_count_begin();
    uint32_t s = deep(3);
    board_count_end();
    board_count_begin();
    board_count_end();
    board_write_kv("sum ", (int32_t)s);
    return 0;
}
