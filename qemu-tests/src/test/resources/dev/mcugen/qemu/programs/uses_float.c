#include "board.h"

/* Deliberately uses float and double so the symbol check has something to find. */
volatile float f = 1.5f;
volatile double d = 2.25;

int main(void) {
    float g = f * 3.0f;
    double e = d / 1.5;
    board_write_kv("", (int)g + (int)e);
    return 0;
}
