/*
<#list m.banner as line>
 * ${line}
</#list>
 */
#include "${m.id}.h"

#include "mcu_nn.h"
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
static const ${a.ctype} ${a.name}[${a.length}] = {
<#list a.lines as line>
    ${line}
</#list>
};

</#list>
<#list m.params as p>
/* ${p.comment} */
static const ${p.ctype} ${p.name} = {
<#list p.fields as f>
    .${f.name} = ${f.value},<#if f.hasComment> /* ${f.comment} */</#if>
</#list>
};

</#list>
void ${m.id}_reset(${m.id}_ctx_t *ctx)
{
    (void)ctx;
}

int ${m.id}_invoke(${m.id}_ctx_t *ctx, const ${m.id}_input_t *x, ${m.id}_output_t *y)
{
    (void)ctx;
<#list m.steps as s>
    /* ${s.comment} */
<#if s.call>
    {
<#list s.locals as l>
        ${l.ctype} ${l.name}[${l.length}] = { <#list l.values as v>${v}<#sep>, </#sep></#list> };
</#list>
        ${s.function}(<#list s.args as a>${a}<#sep>, </#sep></#list>);
    }
</#if>
</#list>
    return 0;
}
