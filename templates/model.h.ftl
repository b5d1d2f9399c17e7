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

/* Input: ${m.input.ctype} ${m.input.shape}, real = scale * (q - zero_point), scale ${m.input.scale}. */
#define ${m.macro}_INPUT_SIZE ${m.input.size}
#define ${m.macro}_INPUT_ZERO_POINT ${m.input.zeroPoint}
#define ${m.macro}_INPUT_QMIN ${m.input.qmin}
#define ${m.macro}_INPUT_QMAX ${m.input.qmax}
/* Input scale as an integer ratio: scale = SCALE_NUM / 2^SCALE_SHIFT (${m.input.scale}). */
#define ${m.macro}_INPUT_SCALE_NUM ${m.input.scaleNum}
#define ${m.macro}_INPUT_SCALE_SHIFT ${m.input.scaleShift}

/* Output: ${m.output.ctype} ${m.output.shape}, real = scale * (q - zero_point), scale ${m.output.scale}. */
#define ${m.macro}_OUTPUT_SIZE ${m.output.size}
#define ${m.macro}_OUTPUT_ZERO_POINT ${m.output.zeroPoint}
#define ${m.macro}_OUTPUT_QMIN ${m.output.qmin}
#define ${m.macro}_OUTPUT_QMAX ${m.output.qmax}
/* Output scale as an integer ratio: scale = SCALE_NUM / 2^SCALE_SHIFT (${m.output.scale}). */
#define ${m.macro}_OUTPUT_SCALE_NUM ${m.output.scaleNum}
#define ${m.macro}_OUTPUT_SCALE_SHIFT ${m.output.scaleShift}

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

typedef ${m.input.ctype} ${m.id}_input_t;
typedef ${m.output.ctype} ${m.id}_output_t;

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
 * Runs the model on one whole quantized input x[${m.macro}_INPUT_SIZE] and writes y[${m.macro}_OUTPUT_SIZE].
<#if m.hasState()>
 * Starts from the initial state (it resets the context first). Returns 0.
<#else>
 * Returns 0.
</#if>
 */
int ${m.id}_invoke(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x, ${m.id}_output_t *y);
<#if m.streaming>

/**
 * Runs one time step x_t[${m.macro}_STEP_INPUT_SIZE] from the state in ctx and writes
 * y[${m.macro}_STEP_OUTPUT_SIZE]; the state is kept for the next step. After ${m.id}_reset,
 * ${m.macro}_TIME_STEPS calls give bit for bit what ${m.id}_invoke gives on the same rows. Returns 0.
 */
int ${m.id}_step(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x_t, ${m.id}_output_t *y);
</#if>

#ifdef __cplusplus
}
#endif

#endif /* ${m.guard} */
