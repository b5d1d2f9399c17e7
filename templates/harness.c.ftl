/*
 * mcugen verify harness for ${m.id}: ${m.samples} quantized input sample(s) embedded as constants.
 * Prints "y <sample>: <outputs...>" per sample (every output, in the model's output order); sample 0
 * runs between the counting markers. A model with <id>_step is also streamed: "stream <sample>: ok"
 * or its first difference from _invoke.
<#list m.banner as line>
 * ${line}
</#list>
 */
#include <stdint.h>
#include "board.h"
#include "${m.id}.h"

#define SAMPLES ${m.samples}

<#list m.inputs as p>
static const ${p.type} ${p.var}[SAMPLES][${p.size}] = {
<#list p.rows as row>
    {${row}},
</#list>
};
</#list>

static ${m.id}_ctx_t ctx;
<#list m.outputs as p>
static ${p.type} ${p.var}[${p.size}];
</#list>

<#if m.single>
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
</#if>


int main(void)
{
    int s, i, rc;
    for (s = 0; s < SAMPLES; s++) {
        ${m.id}_reset(&ctx);
        if (s == 0) {
            board_count_begin();
            rc = ${m.id}_invoke(&ctx<#list m.inputs as p>, ${p.var}[s]</#list><#list m.outputs as p>, ${p.var}</#list>);
            board_count_end();
        } else {
            rc = ${m.id}_invoke(&ctx<#list m.inputs as p>, ${p.var}[s]</#list><#list m.outputs as p>, ${p.var}</#list>);
        }
        if (rc != 0) {
            board_write("invoke failed\n");
            return 3;
        }
        board_write("y ");
        board_write_int(s);
        board_write(":");
<#list m.outputs as p>
        for (i = 0; i < ${p.size}; i++) {
            board_write(" ");
            board_write_int((int32_t)${p.var}[i]);
        }
</#list>
        board_write("\n");
<#if m.single>
#if ${m.macro}_HAS_STEP
        stream_check(s);
#endif
</#if>
    }
    board_write("done\n");
    return 0;
}
