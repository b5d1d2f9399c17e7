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

<#if m.single>
/* Input: float ${m.inputShape}; output: float ${m.outputShape}. */
#define ${m.macro}_INPUT_SIZE ${m.inputSize}
#define ${m.macro}_OUTPUT_SIZE ${m.outputSize}
<#else>
/* ${m.inputs?size} input(s) and ${m.outputs?size} output(s): ${m.id}_invoke takes the inputs, then the outputs, in the model's order. */
<#list m.inputs as p>
/* Input ${p?index} '${p.name}' (${p.param}): float ${p.shape}. */
#define ${m.macro}_${p.macro}_SIZE ${p.size}
</#list>
<#list m.outputs as p>
/* Output ${p?index} '${p.name}' (${p.param}): float ${p.shape}. */
#define ${m.macro}_${p.macro}_SIZE ${p.size}
</#list>
</#if>

/* Buffers of one inference (RAM); the caller owns it. */
typedef struct {
<#list m.ctx as f>
    float ${f.name}[${f.size}]; /* ${f.comment} */
</#list>
<#if !m.hasCtx()>
    char unused; /* nothing to keep: the one layer writes straight into y (C99 has no empty struct) */
</#if>
} ${m.id}_ctx_t;

<#if m.single>
/* Runs the model on x[${m.macro}_INPUT_SIZE] into y[${m.macro}_OUTPUT_SIZE]; returns 0. */
<#else>
/* Runs the model on its inputs into its outputs (sizes above); returns 0. */
</#if>
int ${m.id}_invoke(${m.id}_ctx_t *ctx<#list m.inputs as p>, const float *${p.param}</#list><#list m.outputs as p>, float *${p.param}</#list>);

#ifdef __cplusplus
}
#endif

#endif
