#include "board.h"

/* Three counted regions of different lengths with uncounted loops between and after them:
 * n iterations of subs + branch are 2n + 1 instructions. */
#if defined(__aarch64__)
#define LOOP(n) __asm__ volatile("ldr x0, =%c0\n1: subs x0, x0, #1\n b.ne 1b\n" ::"i"(n) : "x0", "cc")
#elif defined(__arm__)
#define LOOP(n) __asm__ volatile(".syntax unified\n ldr r0, =%c0\n1: subs r0, r0, #1\n bne 1b\n" ::"i"(n) : "r0", "cc")
#else
#define LOOP(n) for (volatile int i = 0; i < (n); i++) { }
#endif

int main(void) {
    board_count_begin();
    LOOP(1000);
    board_count_end();
    LOOP(100000);
    board_count_begin();
    LOOP(5000);
    board_count_end();
    board_count_begin();
    LOOP(20000);
    board_count_end();
    LOOP(300000);
    board_write("regions\n");
    return 0;
}
