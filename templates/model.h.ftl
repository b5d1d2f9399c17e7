/*
<#list m.banner as line>
 * ${line}
</#list>
 */
#ifndef ${m.guard}
#define ${m.guard}

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

<#if !m.single>
/* ${m.inputs?size} input(s) and ${m.outputs?size} output(s): ${m.id}_invoke takes the inputs, then the outputs, in the model's order. */
#define ${m.macro}_INPUTS ${m.inputs?size}
#define ${m.macro}_OUTPUTS ${m.outputs?size}

</#if>
<#list m.inputs + m.outputs as p>
/* ${p.label}<#if !m.single> '${p.name}' (${p.param})</#if>: ${p.ctype} ${p.shape}, real = scale * (q - zero_point), scale ${p.scale}. */
#define ${m.macro}_${p.macro}_SIZE ${p.size}
#define ${m.macro}_${p.macro}_ZERO_POINT ${p.zeroPoint}
#define ${m.macro}_${p.macro}_QMIN ${p.qmin}
#define ${m.macro}_${p.macro}_QMAX ${p.qmax}
/* ${p.label} scale as an integer ratio: scale = SCALE_NUM / 2^SCALE_SHIFT (${p.scale}). */
#define ${m.macro}_${p.macro}_SCALE_NUM ${p.scaleNum}
#define ${m.macro}_${p.macro}_SCALE_SHIFT ${p.scaleShift}

</#list>
/* Bytes of the activation arena (static plan, buffers reused by liveness). */
#define ${m.macro}_ARENA_BYTES ${m.arenaBytes}

<#if m.streaming>
/* Streaming: ${m.id}_step takes one time step of the input, STEP_INPUT_SIZE values (a row of the input). */
#define ${m.macro}_HAS_STEP 1
#define ${m.macro}_TIME_STEPS ${m.stream.timeSteps}
#define ${m.macro}_STEP_INPUT_SIZE ${m.stream.stepInputSize}
<#if m.stream.seqOutput>
/* The output is a sequence: each ${m.id}_step writes one row of it. */
<#else>
/* Each ${m.id}_step writes the whole output, as if the sequence ended with that step. */
</#if>
#define ${m.macro}_STEP_OUTPUT_SIZE ${m.stream.stepOutputSize}
<#else>
/* No ${m.id}_step: ${m.noStepReason}. */
#define ${m.macro}_HAS_STEP 0
</#if>

<#list m.inputs + m.outputs as p>
typedef ${p.ctype} ${p.typeName};
</#list>

/** Everything inference needs besides the const weights; the caller owns it (no malloc). */
typedef struct {
<#if m.hasState()>
    /** Recurrent state: persists between calls, set by ${m.id}_reset. */
    struct {
<#list m.state as s>
        ${s.ctype} ${s.name}[${s.length}]; /* ${s.comment} */
</#list>
    } state;
</#if>
<#if m.streaming && m.stream.paired()>
    /** Scratch of ${m.id}_invoke: ${m.stream.pair.comment}; nothing in it persists. */
    int32_t ${m.stream.pair.buffer}[${m.stream.pair.length}];
</#if>
    /** Scratch of one call: nothing in it persists. */
    union {
        int8_t s8[${m.arenaBytes}];
        int16_t s16[${m.arenaBytes} / 2];
        int32_t s32[${m.arenaBytes} / 4];
    } arena;
} ${m.id}_ctx_t;

<#if m.hasState()>
/** Sets the recurrent state to its initial value (real zero), as before the first time step. */
<#else>
/** Resets the context (this model keeps no state between calls). */
</#if>
void ${m.id}_reset(${m.id}_ctx_t *ctx);

/**
<#if m.single>
 * Runs the model on one whole quantized input x[${m.macro}_INPUT_SIZE] and writes y[${m.macro}_OUTPUT_SIZE].
<#else>
 * Runs the model on whole quantized inputs <#list m.inputs as p>${p.param}[${m.macro}_${p.macro}_SIZE]<#sep>, </#sep></#list>
 * and writes <#list m.outputs as p>${p.param}[${m.macro}_${p.macro}_SIZE]<#sep>, </#sep></#list>.
</#if>
<#if m.hasState()>
 * Starts from the initial state (it resets the context first). Returns 0.
<#else>
 * Returns 0.
</#if>
 */
int ${m.id}_invoke(${m.id}_ctx_t *ctx<#list m.inputs as p>, const ${p.typeName} *${p.param}</#list><#list m.outputs as p>, ${p.typeName} *${p.param}</#list>);
<#if m.streaming>

/**
 * Runs one time step x_t[${m.macro}_STEP_INPUT_SIZE] from the state in ctx and writes
 * y[${m.macro}_STEP_OUTPUT_SIZE]; the state is kept for the next step. After ${m.id}_reset,
 * ${m.macro}_TIME_STEPS calls give bit for bit what ${m.id}_invoke gives on the same rows. Returns 0.
 */
int ${m.id}_step(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x_t, ${m.id}_output_t *y);
</#if>
<#list m.conversions as c>

/**
<#list c.doc as line>
 * ${line}
</#list>
 */
void ${c.function}(const ${c.srcType} *src, ${c.dstType} *dst, int32_t count);
</#list>

#ifdef __cplusplus
}
#endif

#endif /* ${m.guard} */
