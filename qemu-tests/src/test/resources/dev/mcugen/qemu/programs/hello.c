#include "board.h"

int main(void) {
    board_write("hello from mcugen\n");
    board_write_kv("int ", -2147483647 - 1);
    board_write("uint ");
    board_write_uint(4294967295u);
    board_write("\nhex ");
    board_write_hex(0xdeadbeefu);
    board_write("\n");
    return 0;
}
