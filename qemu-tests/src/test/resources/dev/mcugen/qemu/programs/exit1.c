#include "board.h"

int main(void) {
    board_write("failing on purpose\n");
    return 1;
}
