/*
 * float32 baseline C of ${m.id} (mcugen FloatCGenerator), over runtime-c/float (mcf_*).
<#list m.banner as line>
 * ${line}
</#list>
 */
<#if m.needsString()>
#include <string.h>
</#if>
#include "mcf_nn.h"
#include "${m.id}.h"

<#list m.weights as w>
/* ${w.comment} */
static const float ${w.name}[${w.count}] = {
<#list w.lines as line>
    ${line}
</#list>
};

</#list>
int ${m.id}_invoke(${m.id}_ctx_t *ctx<#list m.inputs as p>, const float *${p.param}</#list><#list m.outputs as p>, float *${p.param}</#list>)
{
    (void)ctx;
<#list m.steps as s>
    /* ${s.comment} */
    ${s.code}
</#list>
    return 0;
}
