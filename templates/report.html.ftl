<#ftl output_format="HTML" strip_whitespace=true>
<#-- report.html: every value and SVG coordinate comes ready from ReportHtml; all output is HTML-escaped. -->
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mcugen ${m.title} report: ${m.name}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 12.5px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
.held { color: #176b2c; }
.rounded { color: #8a6100; }
.violated { color: #b00020; font-weight: bold; }
.kv td:first-child { color: #555; }
nav a { margin-right: 1em; }
svg { background: #fafafa; border: 1px solid #e3e3e3; margin: .3em 0 1em; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.scroll { max-height: 28em; overflow: auto; }
.muted { color: #777; }
</style>
</head>
<body>
<h1>mcugen ${m.title}: ${m.name}</h1>
<p class="muted">model ${m.model} · target ${m.target}<#if m.board?has_content> · board ${m.board}</#if> · errors vs float over ${m.samples} sample(s)</p>
<nav>
<a href="#graph">Graph</a><a href="#quantization">Quantization</a><a href="#contracts">Contracts</a>
<a href="#overflow">Overflow proof</a><a href="#error">Error vs float</a><a href="#memory">Memory</a><#if m.hasVerify><a href="#target">Target</a></#if>
</nav>

<#if m.hasVerify>
<h2 id="target">Target run</h2>
<table class="kv">
<#list m.verify as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
</table>
</#if>

<h2 id="graph">Model graph</h2>
<table>
<tr><th>layer</th><th>op</th><th>inputs</th><th>output shape</th><th>params</th><th>MACs</th></tr>
<#list m.layers as l>
<tr<#if l?is_last> class="total"</#if>><td>${l.name}</td><td>${l.op}</td><td>${l.inputs}</td><td>${l.shape}</td><td class="n">${l.params}</td><td class="n">${l.macs}</td></tr>
</#list>
</table>

<h2 id="quantization">Quantization</h2>
<h3>Options and summary</h3>
<table class="kv">
<#list m.options as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
<#list m.summary as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
</table>
<h3>Tensors</h3>
<div class="scroll">
<table>
<tr><th>tensor</th><th>bits</th><th>symmetry</th><th>scale</th><th>zero point</th><th>qmin</th><th>qmax</th><th>Q format</th><th>calibrated min</th><th>calibrated max</th><th>real min</th><th>real max</th><th>clipped</th></tr>
<#list m.tensors as t>
<tr><td>${t.name}</td><td class="n">${t.bits}</td><td>${t.symmetry}</td><td class="n">${t.scale}</td><td class="n">${t.zero_point}</td><td class="n">${t.qmin}</td><td class="n">${t.qmax}</td><td>${t.q_format}</td><td class="n">${t.calibrated_min}</td><td class="n">${t.calibrated_max}</td><td class="n">${t.real_min}</td><td class="n">${t.real_max}</td><td<#if t.clipped == "true"> class="violated"</#if>>${t.clipped}</td></tr>
</#list>
</table>
</div>
<h3 id="calibration">Calibration ranges (method: ${m.calibrationMethod})</h3>
<#if m.calibrationWarning?has_content><p class="violated">Warning: ${m.calibrationWarning}</p></#if>
<#if m.calibration?has_content>
<div class="scroll">
<table>
<tr><th>tensor</th><th>seen min</th><th>seen max</th><th>range min</th><th>range max</th><th>clipped fraction</th><th>99.99th pct of |x|</th><th>dominated by a few values</th></tr>
<#list m.calibration as c>
<tr><td>${c.tensor}</td><td class="n">${c.seen_min}</td><td class="n">${c.seen_max}</td><td class="n">${c.min}</td><td class="n">${c.max}</td><td class="n">${c.clipped_fraction}</td><td class="n">${c.abs_p99_99}</td><td<#if c.dominated == "true"> class="violated"</#if>>${c.dominated}</td></tr>
</#list>
</table>
</div>
</#if>
<#if m.rescales?has_content>
<h3>Effective scales</h3>
<div class="scroll">
<table>
<tr><th>layer</th><th>rescale</th><th>real</th><th>form</th><th>multiplier</th><th>shift</th><th>realized</th><th>residual</th></tr>
<#list m.rescales as r>
<tr><td>${r.layer}</td><td>${r.name}</td><td class="n">${r.real}</td><td>${r.form}</td><td class="n">${r.multiplier}</td><td class="n">${r.shift}</td><td class="n">${r.realized}</td><td class="n">${r.residual}</td></tr>
</#list>
</table>
</div>
</#if>

<h2 id="contracts">Contracts</h2>
<div class="scroll">
<table>
<tr><th>kind</th><th>tensors</th><th>status</th><th>residual</th><th>detail</th></tr>
<#list m.contracts as c>
<tr><td>${c.kind}</td><td>${c.tensors}</td><td class="${c.status}">${c.status}</td><td class="n">${c.residual}</td><td>${c.detail}</td></tr>
</#list>
</table>
</div>

<h2 id="overflow">Overflow proof (accumulator bounds)</h2>
<table>
<tr><th>layer</th><th>accumulator</th><th>worst row</th><th>bound</th><th>limit</th><th>headroom bits</th><th>safe</th><th>action</th></tr>
<#list m.accumulators as a>
<tr><td>${a.layer}</td><td>${a.accumulator}</td><td class="n">${a.worst_row}</td><td class="n">${a.bound}</td><td class="n">${a.limit}</td><td class="n">${a.headroom_bits}</td><td class="${a.status}">${a.safe}</td><td>${a.action}</td></tr>
</#list>
</table>

<h2 id="error">Error vs float</h2>
<h3>SQNR per layer</h3>
<p class="muted">Each node output the float model and the quantized model share, dequantized and compared over ${m.samples} sample(s); longer is better.</p>
<svg id="sqnr-plot" width="${m.sqnr.width}" height="${m.sqnr.height}" viewBox="${m.sqnr.box}" role="img" aria-label="SQNR per layer">
<#list m.sqnr.bars as b>
<text x="-4" y="${b.ty}" text-anchor="end">${b.label}</text>
<rect x="0" y="${b.y}" width="${b.w}" height="14" fill="#4c78a8"><title>${b.label}: ${b.value}</title></rect>
<text x="${b.tx}" y="${b.ty}">${b.value}</text>
</#list>
</svg>
<h3>Output error histogram${m.histogramOf}</h3>
<p class="muted">${m.histogram.count} output value(s), dequantized minus float: max |err| ${m.histogram.maxAbs}, RMSE ${m.histogram.rmse}.</p>
<svg id="error-histogram" width="${m.histogram.outerWidth}" height="${m.histogram.outerHeight}" viewBox="${m.histogram.box}" role="img" aria-label="output error histogram">
<line x1="0" y1="${m.histogram.height}" x2="${m.histogram.width}" y2="${m.histogram.height}" stroke="#999"/>
<#list m.histogram.bars as b>
<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="#f58518"><title>[${b.from}, ${b.to}): ${b.count}</title></rect>
</#list>
<text x="0" y="${m.histogram.height}" dy="14">${m.histogram.min}</text>
<text x="${m.histogram.width}" y="${m.histogram.height}" dy="14" text-anchor="end">${m.histogram.max}</text>
<text x="-4" y="10" text-anchor="end">${m.histogram.top}</text>
</svg>
<#if m.stepCharts?has_content>
<h3>SQNR per time step (recurrent layers)</h3>
<#list m.stepCharts as c>
<p>${c.name}: ${c.steps} step(s), axis ${c.lo}..${c.hi} dB</p>
<svg class="step-plot" width="${c.outerWidth}" height="${c.outerHeight}" viewBox="${c.box}" role="img" aria-label="SQNR per time step">
<text x="-4" y="10" text-anchor="end">${c.hi}</text>
<text x="-4" y="${c.height}" text-anchor="end">${c.lo}</text>
<polyline points="${c.points}" fill="none" stroke="#54a24b" stroke-width="1.5"/>
<#list c.dots as d><circle cx="${d.x}" cy="${d.y}" r="2" fill="#54a24b"><title>${d.label}</title></circle></#list>
</svg>
</#list>
</#if>

<h2 id="memory">Memory</h2>
<p>Model constants (flash) ${m.constBytes} B · arena (RAM) ${m.arenaBytes} B · recurrent state (RAM) ${m.stateBytes} B</p>
<h3>Flash by layer</h3>
<svg id="flash-plot" width="${m.flash.width}" height="${m.flash.height}" viewBox="${m.flash.box}" role="img" aria-label="flash by layer">
<#list m.flash.bars as b>
<text x="-4" y="${b.ty}" text-anchor="end">${b.label}</text>
<rect x="0" y="${b.y}" width="${b.w}" height="14" fill="#b279a2"><title>${b.label}: ${b.value}</title></rect>
<text x="${b.tx}" y="${b.ty}">${b.value}</text>
</#list>
</svg>
<h3>RAM arena map</h3>
<p class="muted">x: the ${m.arena.steps} kernel steps (live range of each buffer), y: arena byte offset 0..${m.arenaBytes}.</p>
<svg id="arena-map" width="${m.arena.width}" height="${m.arena.height}" viewBox="0 0 ${m.arena.width} ${m.arena.height}" role="img" aria-label="arena map">
<#list m.arena.rects as r>
<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${r.fill}" stroke="#555" stroke-width="0.5"><title>${r.label}</title></rect>
<text x="${r.tx}" y="${r.ty}">${r.tensor}</text>
</#list>
</svg>
<table>
<tr><th>buffer</th><th>offset</th><th>bytes</th><th>steps</th></tr>
<#list m.arena.rows as r><tr><td>${r.tensor}</td><td class="n">${r.offset}</td><td class="n">${r.bytes}</td><td>${r.steps}</td></tr></#list>
</table>
<p class="muted">Generated by mcugen; the same data as report.json.</p>
</body>
</html>
