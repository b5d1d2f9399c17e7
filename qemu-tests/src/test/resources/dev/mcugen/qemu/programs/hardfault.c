#include <stdint.h>

#include "board.h"

/* Calls an address with the Thumb bit clear (Cortex-M: INVSTATE, escalated to HardFault) that is
 * also unmapped on Linux (SIGSEGV). */
int main(void) {
    board_write("about to fault\n");
    void (*volatile f)(void) = (void (*)(void))(uintptr_t)0x00001000u;
    f();
    board_write("still alive\n");
    return 0;
}
