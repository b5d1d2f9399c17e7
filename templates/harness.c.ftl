/*
 * mcugen verify harness for ${m.id}: ${m.samples} quantized input sample(s) embedded as constants.
 * Prints "y <sample>: <outputs...>" per sample; sample 0 runs between the counting markers. A model
 * with <id>_step is also streamed: "stream <sample>: ok" or its first difference from _invoke.
<#list m.banner as line>
 * ${line}
</#list>
 */
#include <stdint.h>
#include "board.h"
#include "${m.id}.h"

#define SAMPLES ${m.samples}

static const ${m.id}_input_t inputs[SAMPLES][${m.macro}_INPUT_SIZE] = {
<#list m.rows as row>
    {${row}},
</#list>
};

static ${m.id}_ctx_t ctx;
static ${m.id}_output_t y[${m.macro}_OUTPUT_SIZE];

#if ${m.macro}_HAS_STEP
static ${m.id}_output_t ys[${m.macro}_OUTPUT_SIZE];

/* Streaming check: _invoke leaves its final state in ctx; _reset, then TIME_STEPS calls of _step on
 * the same rows, must give _invoke's output y bit for bit (row by row for a sequence output, the
 * last step's output otherwise). */
static void stream_check(int s)
{
    int32_t t, i;
    ${m.id}_reset(&ctx);
    for (t = 0; t < ${m.macro}_TIME_STEPS; t++) {
        ${m.id}_output_t *row = ${m.macro}_OUTPUT_SIZE == ${m.macro}_STEP_OUTPUT_SIZE ? ys : ys + ${m.macro}_STEP_OUTPUT_SIZE * t;
        if (${m.id}_step(&ctx, inputs[s] + ${m.macro}_STEP_INPUT_SIZE * t, row) != 0) {
            board_write("stream ");
            board_write_int(s);
            board_write(": step failed\n");
            return;
        }
    }
    for (i = 0; i < ${m.macro}_OUTPUT_SIZE; i++) {
        if (ys[i] != y[i]) {
            board_write("stream ");
            board_write_int(s);
            board_write(": index ");
            board_write_int(i);
            board_write(" step ");
            board_write_int((int32_t)ys[i]);
            board_write(" invoke ");
            board_write_int((int32_t)y[i]);
            board_write("\n");
            return;
        }
    }
    board_write("stream ");
    board_write_int(s);
    board_write(": ok\n");
}
#endif


int main(void)
{
    int s, i, rc;
    for (s = 0; s < SAMPLES; s++) {
        ${m.id}_reset(&ctx);
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
            board_write(" ");
            board_write_int((int32_t)y[i]);
        }
        board_write("\n");
#if ${m.macro}_HAS_STEP
        stream_check(s);
#endif
    }
    board_write("done\n");
    return 0;
}
