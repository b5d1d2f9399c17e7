#include <stdint.h>

#include "board.h"

/* Integer arithmetic of the kind the kernels use (multiply-accumulate, shift, saturate). */
static int32_t mac(const int8_t *a, const int8_t *b, int n) {
    int32_t acc = 0;
    for (int i = 0; i < n; i++) {
        acc += (int32_t)a[i] * (int32_t)b[i];
    }
    return acc;
}

int main(void) {
    static int8_t a[16], b[16];
    for (int i = 0; i < 16; i++) {
        a[i] = (int8_t)(i * 7 - 50);
        b[i] = (int8_t)(30 - i * 3);
    }
    int32_t acc = mac(a, b, 16);
    int32_t q = acc >> 4;
    board_write_kv("q ", q > 127 ? 127 : (q < -128 ? -128 : q));
    return 0;
}
