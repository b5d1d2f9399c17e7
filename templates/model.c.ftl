/*
<#list m.banner as line>
 * ${line}
</#list>
 */
#include "${m.id}.h"

#include <stddef.h>

#include "mcu_rnn.h"
#include "mcu_shape.h"
#include "mcu_tfl.h"
<#if m.needsString>
#include <string.h>
</#if>

/*
 * Arena plan (${m.arenaBytes} bytes):
<#list m.arenaComment as line>
 *   ${line}
</#list>
 */

<#list m.arrays as a>
/* ${a.comment} */
static const ${a.ctype} ${a.name}[${a.length}]${a.attribute} = {
<#list a.lines as line>
    ${line}
</#list>
};

</#list>
<#macro fields list indent>
<#list list as f>
<#if f.isNested()>
${indent}.${f.name} = {
<@fields list=f.nested indent=indent + "    "/>
${indent}},
<#else>
${indent}.${f.name} = ${f.value},<#if f.hasComment> /* ${f.comment} */</#if>
</#if>
</#list>
</#macro>
<#list m.params as p>
/* ${p.comment} */
static const ${p.ctype} ${p.name} = {
<@fields list=p.fields indent="    "/>
};

</#list>
<#macro body steps indent>
<#list steps as s>
${indent}/* ${s.comment} */
<#if s.hasCode()>
<#if s.loop>
${indent}for (t = 0; t < ${s.loopCount}; t++) {
<#else>
${indent}{
</#if>
<#list s.locals as l>
${indent}    ${l.ctype} ${l.name}[${l.length}] = { <#list l.values as v>${v}<#sep>, </#sep></#list> };
</#list>
<#list s.calls as c>
${indent}    ${c.function}(<#list c.args as a>${a}<#sep>, </#sep></#list>);
</#list>
${indent}}
</#if>
</#list>
</#macro>
void ${m.id}_reset(${m.id}_ctx_t *ctx)
{
<#if m.hasState()>
    int32_t i;
<#list m.resets as r>
    for (i = 0; i < ${r.length}; i++) {
        ctx->state.${r.name}[i] = ${r.value};
    }
</#list>
<#else>
    (void)ctx;
</#if>
}
<#if m.streaming>

/* One time step: x is one input row, y the output (one row of it when the output is a sequence). */
static void ${m.id}_row(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x, ${m.id}_output_t *y)
{
    (void)ctx;
    (void)y;
<@body steps=m.stream.seqSteps indent="    "/>
}
<#if m.stream.paired()>

/* One time step of _invoke: as ${m.id}_row, the first recurrent layer's input products given in pre. */
static void ${m.id}_row_pre(${m.id}_ctx_t *ctx, const int32_t *pre, ${m.id}_output_t *y)
{
    (void)ctx;
    (void)y;
<@body steps=m.stream.pair.preSteps indent="    "/>
}
</#if>
<#if m.stream.hasTail()>

/* After the time steps: the layers that read the recurrent outputs. */
static void ${m.id}_tail(${m.id}_ctx_t *ctx, ${m.id}_output_t *y)
{
    (void)ctx;
<@body steps=m.stream.tailSteps indent="    "/>
}
</#if>

int ${m.id}_invoke(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x, ${m.id}_output_t *y)
{
    int32_t t;
    ${m.id}_reset(ctx);
<#if m.stream.paired()>
    /* two time steps per turn: their input products in one pass over the weights */
    for (t = 0; t < ${m.stream.timeSteps}; t += 2) {
        const ${m.id}_input_t *x1 = t + 1 < ${m.stream.timeSteps} ? ${m.stream.pair.invokeX1} : NULL;
        ${m.stream.pair.input2.function}(<#list m.stream.pair.input2.args as a>${a}<#sep>, </#sep></#list>);
        ${m.id}_row_pre(ctx, ctx->${m.stream.pair.buffer}, ${m.stream.invokeY});
        if (x1 != NULL) {
            ${m.id}_row_pre(ctx, ctx->${m.stream.pair.buffer} + ${m.stream.pair.half}, ${m.stream.pair.invokeY1});
        }
    }
<#else>
    for (t = 0; t < ${m.stream.timeSteps}; t++) {
        ${m.id}_row(ctx, ${m.stream.invokeX}, ${m.stream.invokeY});
    }
</#if>
<#if m.stream.hasTail()>
    ${m.id}_tail(ctx, y);
</#if>
    return 0;
}

int ${m.id}_step(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x_t, ${m.id}_output_t *y)
{
    ${m.id}_row(ctx, x_t, y);
<#if m.stream.hasTail()>
    ${m.id}_tail(ctx, y);
</#if>
    return 0;
}
<#else>

int ${m.id}_invoke(${m.id}_ctx_t *ctx<#list m.inputs as p>, const ${p.typeName} *${p.param}</#list><#list m.outputs as p>, ${p.typeName} *${p.param}</#list>)
{
<#if m.needsLoop>
    int32_t t;
</#if>
<#if m.hasState()>
    ${m.id}_reset(ctx);
<#else>
    (void)ctx;
</#if>
<@body steps=m.steps indent="    "/>
    return 0;
}
</#if>
<#list m.conversions as c>

/* ${c.doc[0]}: see ${m.id}.h. */
void ${c.function}(const ${c.srcType} *src, ${c.dstType} *dst, int32_t count)
{
    int32_t i;
    for (i = 0; i < count; i++) {
        /* exact in int64: |src - zero point| <= 2^31 and the multiplier < 2^31 */
        const int64_t p = <#if c.subtract>((int64_t)src[i] - ${c.inZeroPoint})<#else>(int64_t)src[i]</#if> * ${c.multiplier};
        /* round(p / 2^${c.shift}), half away from zero (gemmlowp's RoundingDivideByPOT rounding) */
        int64_t r = p >= 0 ? (p + ${c.round}) >> ${c.shift} : -((-p + ${c.round}) >> ${c.shift});
        r += ${c.outZeroPoint};
        dst[i] = (${c.dstType})(r < ${c.min} ? ${c.min} : r > ${c.max} ? ${c.max} : r);
    }
}
</#list>
