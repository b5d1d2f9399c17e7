#include "board.h"

int main(void) {
    board_write("spinning\n");
    for (;;) {
        __asm__ volatile("" ::: "memory");
    }
}
