/*
 * float32 baseline C of ${m.id} (mcugen FloatCGenerator): the benchmark suite's reference, not a
 * mcugen product (mcugen's own C is integer-only).
<#list m.banner as line>
 * ${line}
</#list>
 */
#ifndef ${m.guard}
#define ${m.guard}

#ifdef __cplusplus
extern "C" {
#endif

/* Input: float ${m.inputShape}; output: float ${m.outputShape}. */
#define ${m.macro}_INPUT_SIZE ${m.inputSize}
#define ${m.macro}_OUTPUT_SIZE ${m.outputSize}

/* Buffers of one inference (RAM); the caller owns it. */
typedef struct {
<#list m.ctx as f>
    float ${f.name}[${f.size}]; /* ${f.comment} */
</#list>
<#if !m.hasCtx()>
    char unused; /* nothing to keep: the one layer writes straight into y (C99 has no empty struct) */
</#if>
} ${m.id}_ctx_t;

/* Runs the model on x[${m.macro}_INPUT_SIZE] into y[${m.macro}_OUTPUT_SIZE]; returns 0. */
int ${m.id}_invoke(${m.id}_ctx_t *ctx, const float *x, float *y);

#ifdef __cplusplus
}
#endif

#endif
