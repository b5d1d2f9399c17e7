/*
 * mcugen benchmark harness for the float baseline ${m.id}: ${m.samples} float input sample(s) embedded
 * as exact hexadecimal constants. Prints "y <sample>: <outputs...>" per sample, each output as the
 * int32 of its IEEE-754 bits (exact, no printf of floats on the board); sample 0 runs between the
 * counting markers.
<#list m.banner as line>
 * ${line}
</#list>
 */
#include <stdint.h>
#include <string.h>
#include "board.h"
#include "${m.id}.h"

#define SAMPLES ${m.samples}

static const float inputs[SAMPLES][${m.macro}_INPUT_SIZE] = {
<#list m.rows as row>
    {${row}},
</#list>
};

static ${m.id}_ctx_t ctx;
static float y[${m.macro}_OUTPUT_SIZE];

int main(void)
{
    int s, i, rc;
    int32_t bits;
    for (s = 0; s < SAMPLES; s++) {
        if (s == 0) {
            board_count_begin();
            rc = ${m.id}_invoke(&ctx, inputs[s], y);
            board_count_end();
        } else {
            rc = ${m.id}_invoke(&ctx, inputs[s], y);
        }
        if (rc != 0) {
            board_write("invoke failed\n");
            return 3;
        }
        board_write("y ");
        board_write_int(s);
        board_write(":");
        for (i = 0; i < ${m.macro}_OUTPUT_SIZE; i++) {
            memcpy(&bits, &y[i], sizeof bits);
            board_write(" ");
            board_write_int(bits);
        }
        board_write("\n");
    }
    board_write("done\n");
    return 0;
}
