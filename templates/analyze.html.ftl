<#ftl output_format="HTML" strip_whitespace=true>
<#-- analyze report: every value and SVG coordinate comes ready from AnalyzeReport; all output is HTML-escaped. -->
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcugen analyze report: ${m.model}</title>
<#include "report-style.ftl">
</head>
<body>
<h1>mcugen analyze: ${m.model}</h1>
<p class="muted">model file ${m.file} · ${m.metric} against the float model on ${m.samples} ${m.samplesWord} (the float model itself: ${m.perfect}) · weight step: ${m.weightQuant}</p>
<p>Word-length sensitivity as Shin, Hwang and Sung measure it in <em>Fixed-point performance analysis of recurrent neural networks</em>: one group at a time is quantized at the word length on the x axis while everything else stays float. A group whose line stays high at few bits tolerates a short word length; a line that falls early marks the group that needs its bits. Biases, normalization vectors and a recurrent layer's state inside its own loop stay float.</p>
<nav><#list m.charts as c><a href="#chart${c?index}">${c.title}</a></#list><#if m.hasSearch><a href="#search">Chosen word lengths</a></#if><a href="#tables">Tables</a></nav>

<#list m.charts as c>
<h2 id="chart${c?index}">${c.title}</h2>
<svg class="sensitivity-plot" width="${c.outerWidth}" height="${c.outerHeight}" viewBox="${c.box}" role="img" aria-label="${c.yTitle} against ${c.xTitle}">
<line x1="0" y1="${c.height}" x2="${c.width}" y2="${c.height}" stroke="#999"/>
<line x1="0" y1="0" x2="0" y2="${c.height}" stroke="#999"/>
<text x="-4" y="10" text-anchor="end">${c.hi}</text>
<text x="-4" y="${c.midY}" text-anchor="end">${c.mid}</text>
<text x="-4" y="${c.height}" text-anchor="end">${c.lo}</text>
<#list c.xTicks as t><line x1="${t.x}" y1="${c.height}" x2="${t.x}" y2="${c.tickY}" stroke="#999"/><text class="x-tick" x="${t.x}" y="${c.height}" dy="14" text-anchor="middle">${t.label}</text></#list>
<text x="${c.xTitleX}" y="${c.xTitleY}" text-anchor="middle">${c.xTitle}</text>
<text transform="rotate(-90)" x="${c.yTitleX}" y="-50" text-anchor="middle">${c.yTitle}</text>
<#if c.hasFloor><line class="budget" x1="0" y1="${c.floorY}" x2="${c.width}" y2="${c.floorY}" stroke="#b00020" stroke-dasharray="5,4"/><text x="${c.width}" y="${c.floorTextY}" text-anchor="end" fill="#b00020">${c.floorLabel}</text></#if>
<#list c.lines as l>
<polyline class="group" points="${l.points}" fill="none" stroke="${l.colour}" stroke-dasharray="${l.dash}" stroke-width="1.6"><title>${l.name}</title></polyline>
<#list l.dots as d><circle cx="${d.x}" cy="${d.y}" r="2.5" fill="${l.colour}"><title>${d.label}</title></circle></#list>
<rect x="${c.legendX}" y="${l.legendY}" width="14" height="4" fill="${l.colour}"/><text x="${c.legendTextX}" y="${l.legendTextY}">${l.name}</text>
</#list>
</svg>
</#list>

<#if m.hasSearch>
<h2 id="search">Chosen word lengths (budget ${m.search.budget})</h2>
<p>Searched on ${m.search.searchSamples} samples (${m.metric}: ${m.search.searchMetric}), confirmed on ${m.search.heldOutSamples} held out (${m.search.heldOut}). Weights: ${m.search.weightBits} bits, ${m.search.ofInt8} % of the all-int8 model's ${m.search.int8Bits} bits and ${m.search.ofFloat} % of float32. Layer outputs stay float in this search.</p>
<svg class="memory-bars" width="${m.search.barsWidth}" height="${m.search.barsHeight}" viewBox="${m.search.barsBox}" role="img" aria-label="weight memory per group">
<#list m.search.bars as b>
<text x="-6" y="${b.ty}" text-anchor="end">${b.label}</text>
<rect x="0" y="${b.y}" width="${b.w8}" height="${b.h}" fill="#dcdcdc"/>
<rect x="0" y="${b.y}" width="${b.w}" height="${b.h}" fill="#4c78a8"><title>${b.value}</title></rect>
<text x="${b.tx}" y="${b.ty}">${b.value}</text>
</#list>
</svg>
<p class="muted">Blue: the group's weights at its chosen word length; grey: the same weights at 8 bits.</p>
<table>
<thead><tr><th>weight group</th><th>values</th><th>bits</th><th>bytes</th><th>bytes at 8 bits</th></tr></thead>
<tbody>
<#list m.search.rows as r><tr><td>${r.group}</td><td class="n">${r.values}</td><td class="n">${r.bits}</td><td class="n">${r.bytes}</td><td class="n">${r.int8Bytes}</td></tr></#list>
</tbody>
</table>
</#if>

<h2 id="tables">Tables</h2>
<#list m.tables as t>
<h3>${t.title}</h3>
<table>
<thead><tr><th>${t.first}</th><th>values</th><#list t.header as h><th>${h}</th></#list></tr></thead>
<tbody>
<#list t.rows as r><tr><td>${r.name}</td><td class="n">${r.values}</td><#list r.cells as v><td class="n">${v}</td></#list></tr></#list>
</tbody>
</table>
</#list>
</body>
</html>
