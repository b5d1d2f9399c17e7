<#ftl output_format="HTML" strip_whitespace=true>
<#-- report.html: every value and SVG coordinate comes ready from ReportHtml; all output is HTML-escaped. -->
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcugen ${m.title} report: ${m.name} (${m.verdict})</title>
<#include "report-style.ftl">
</head>
<body>
<h1>mcugen ${m.title}: ${m.name}</h1>
<p class="muted">model ${m.model} · target ${m.target}<#if m.board?has_content> · board ${m.board}</#if> · errors vs float on ${m.samples} ${m.samplesWord}<#if m.hasVerify> · target run on ${m.verifySamples} ${m.verifySamplesWord}</#if></p>
<nav>
<a href="#verdict">Verdict</a><#if m.hasProvenance><a href="#provenance">Provenance</a></#if><#if m.hasVerify><a href="#target">Target run</a></#if><a href="#graph">Graph</a><a href="#quantization">Quantization</a><a href="#contracts">Contracts</a><a href="#overflow">Overflow proof</a><a href="#error">Error vs float</a><a href="#memory">Memory</a><#list m.others as o><a href="#${o.id}">${o.title}</a></#list>
</nav>

<section id="verdict" class="${m.verdictCss}">
<p><span class="word">${m.verdict}</span>${m.verdictSummary}</p>
<table>
<thead><tr><th>check</th><th>result</th><th>detail</th></tr></thead>
<tbody>
<#list m.checks as c><tr><td>${c.check}</td><td class="${c.css}">${c.status}</td><td>${c.detail}</td></tr></#list>
</tbody>
</table>
</section>

<#if m.hasProvenance>
<h2 id="provenance">Provenance</h2>
<table class="kv">
<tr><td>mcugen version</td><td>${m.version}</td></tr>
<tr><td>command line</td><td class="cmd">${m.commandLine}</td></tr>
<tr><td>generated (UTC)</td><td>${m.generated}</td></tr>
</table>
<table>
<thead><tr><th>file read</th><th>path</th><th>size</th><th>SHA-256</th></tr></thead>
<tbody>
<#list m.files as f><tr><td>${f.role}</td><td>${f.path}</td><td class="n">${f.bytes}</td><td class="hash">${f.sha256}</td></tr></#list>
</tbody>
</table>
</#if>

<#if m.hasVerify>
<h2 id="target">Target run</h2>
<table class="kv">
<#list m.run as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
</table>
<h3>Accuracy vs float on ${m.verifySamples} ${m.verifySamplesWord}</h3>
<p class="muted">The target's outputs (dequantized) against the float model's, on the ${m.verifySamples} ${m.verifySamplesWord} run on the target; <code>simulate --compare</code> measures on every sample it is given, so its figures differ when it is given more.</p>
<table class="kv">
<#list m.accuracy as p><tr><td>${p.key}</td><td class="n">${p.value}</td></tr></#list>
</table>
<#if m.thresholds?has_content>
<h3>Accuracy thresholds</h3>
<table>
<thead><tr><th>output</th><th>figure</th><th>threshold</th><th>value (on ${m.verifySamples} ${m.verifySamplesWord})</th><th>result</th></tr></thead>
<tbody>
<#list m.thresholds as t><tr><td>${t.output}</td><td>${t.metric}</td><td>${t.threshold}</td><td class="n">${t.value}</td><td class="${t.css}">${t.met}</td></tr></#list>
</tbody>
</table>
</#if>
<h3>Cost on the target</h3>
<table class="kv">
<#list m.cost as p><tr><td>${p.key}</td><td class="n">${p.value}</td></tr></#list>
</table>
</#if>

<h2 id="graph">Model graph</h2>
<table>
<thead><tr><th>layer</th><th>op</th><th>inputs</th><th>output shape</th><th>params</th><th>MACs</th></tr></thead><tbody>
<#list m.layers as l>
<tr<#if l?is_last> class="total"</#if>><td>${l.name}</td><td>${l.op}</td><td>${l.inputs}</td><td>${l.shape}</td><td class="n">${l.params}</td><td class="n">${l.macs}</td></tr>
</#list>
</tbody></table>

<#if m.fileLayers?has_content>
<h3 id="file-parameters">Parameters from the file</h3>
<p class="muted">Every scale and zero point as the quantized file states them (nothing calibrated); contracts per layer; flash of the layer's constants and RAM of its output in the generated C, in bytes.</p>
<table>
<thead><tr><th>layer</th><th>op</th><th>input</th><th>weights</th><th>bias</th><th>output</th><th>contracts</th><th>flash</th><th>RAM</th></tr></thead><tbody>
<#list m.fileLayers as l>
<tr><td>${l.layer}</td><td>${l.op}</td><td>${l.input}</td><td>${l.weights}</td><td>${l.bias}</td><td>${l.output}</td><td>${l.contracts}</td><td class="n">${l.flash}</td><td class="n">${l.ram}</td></tr>
</#list>
</tbody></table>
</#if>

<h2 id="quantization">Quantization</h2>
<h3>Options and summary</h3>
<table class="kv">
<#list m.options as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
<#list m.summary as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
</table>
<h3>Tensors</h3>
<table>
<thead><tr><th>tensor</th><th>bits</th><th>symmetry</th><th>scale</th><th>zero point</th><th>qmin</th><th>qmax</th><th>Q format</th><th>scale log2</th><th>calibrated min</th><th>calibrated max</th><th>real min</th><th>real max</th><th>clipped</th></tr></thead><tbody>
<#list m.tensors as t>
<tr><td>${t.name}</td><td class="n">${t.bits}</td><td>${t.symmetry}</td><td class="n">${t.scale}</td><td class="n">${t.zero_point}</td><td class="n">${t.qmin}</td><td class="n">${t.qmax}</td><td>${t.q_format}</td><td class="n">${t.scale_log2}</td><td class="n">${t.calibrated_min}</td><td class="n">${t.calibrated_max}</td><td class="n">${t.real_min}</td><td class="n">${t.real_max}</td><td<#if t.clipped == "yes"> class="violated"</#if>>${t.clipped}</td></tr>
</#list>
</tbody></table>
<h3 id="calibration">Calibration ranges (method: ${m.calibrationMethod})</h3>
<#if m.calibrationSettings?has_content>
<table class="kv">
<#list m.calibrationSettings as p><tr><td>${p.key}</td><td class="n">${p.value}</td></tr></#list>
</table>
</#if>
<#if m.calibrationWarning?has_content><p class="violated">Warning: ${m.calibrationWarning}</p></#if>
<#if m.calibration?has_content>
<table>
<thead><tr><th>tensor</th><th>seen min</th><th>seen max</th><th>range min</th><th>range max</th><th>clipped fraction</th><th>99.99th pct of |x|</th><th>dominated by a few values</th></tr></thead><tbody>
<#list m.calibration as c>
<tr><td>${c.tensor}</td><td class="n">${c.seen_min}</td><td class="n">${c.seen_max}</td><td class="n">${c.min}</td><td class="n">${c.max}</td><td class="n">${c.clipped_fraction}</td><td class="n">${c.abs_p99_99}</td><td<#if c.dominated == "yes"> class="violated"</#if>>${c.dominated}</td></tr>
</#list>
</tbody></table>
</#if>
<#if m.rescales?has_content>
<h3>Effective scales</h3>
<table>
<thead><tr><th>layer</th><th>rescale</th><th>real</th><th>form</th><th>multiplier</th><th>shift</th><th>realized</th><th>residual</th></tr></thead><tbody>
<#list m.rescales as r>
<tr><td>${r.layer}</td><td>${r.name}</td><td class="n">${r.real}</td><td>${r.form}</td><td class="n">${r.multiplier}</td><td class="n">${r.shift}</td><td class="n">${r.realized}</td><td class="n">${r.residual}</td></tr>
</#list>
</tbody></table>
</#if>

<h2 id="contracts">Contracts</h2>
<table>
<thead><tr><th>kind</th><th>tensors</th><th>status</th><th>residual</th><th>detail</th></tr></thead><tbody>
<#list m.contracts as c>
<tr><td>${c.kind}</td><td>${c.tensors}</td><td class="${c.status}">${c.status}</td><td class="n">${c.residual}</td><td>${c.detail}</td></tr>
</#list>
</tbody></table>

<h2 id="overflow">Overflow proof (accumulator bounds)</h2>
<table>
<thead><tr><th>layer</th><th>accumulator</th><th>worst row</th><th>bound</th><th>limit</th><th>headroom bits</th><th>safe</th><th>action</th></tr></thead><tbody>
<#list m.accumulators as a>
<tr><td>${a.layer}</td><td>${a.accumulator}</td><td class="n">${a.worst_row}</td><td class="n">${a.bound}</td><td class="n">${a.limit}</td><td class="n">${a.headroom_bits}</td><td class="${a.status}">${a.safe}</td><td>${a.action}</td></tr>
</#list>
</tbody></table>

<h2 id="error">Error vs float</h2>
<h3>SQNR per layer</h3>
<p class="muted">Each node output the float model and the quantized model share, dequantized and compared on ${m.samples} ${m.samplesWord} (the first calibration samples for build, the samples run on the target for verify); longer is better.</p>
<svg id="sqnr-plot" width="${m.sqnr.width}" height="${m.sqnr.height}" viewBox="${m.sqnr.box}" role="img" aria-label="SQNR per layer">
<#list m.sqnr.bars as b>
<text x="-4" y="${b.ty}" text-anchor="end">${b.label}</text>
<rect x="0" y="${b.y}" width="${b.w}" height="14" fill="#4c78a8"><title>${b.label}: ${b.value}</title></rect>
<text x="${b.tx}" y="${b.ty}">${b.value}</text>
</#list>
</svg>
<h3>Output error histogram${m.histogramOf}</h3>
<p class="muted">${m.histogram.count} output values from ${m.samples} ${m.samplesWord}, dequantized minus float: max |err| ${m.histogram.maxAbs}, RMSE ${m.histogram.rmse}.</p>
<svg id="error-histogram" width="${m.histogram.outerWidth}" height="${m.histogram.outerHeight}" viewBox="${m.histogram.box}" role="img" aria-label="output error histogram">
<line x1="0" y1="${m.histogram.height}" x2="${m.histogram.width}" y2="${m.histogram.height}" stroke="#999"/>
<#list m.histogram.bars as b>
<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="#f58518"><title>[${b.from}, ${b.to}): ${b.count}</title></rect>
</#list>
<text x="0" y="${m.histogram.height}" dy="14">${m.histogram.min}</text>
<text x="${m.histogram.width}" y="${m.histogram.height}" dy="14" text-anchor="end">${m.histogram.max}</text>
<text x="-4" y="10" text-anchor="end">${m.histogram.top}</text>
<text x="${m.histogram.xTitleX}" y="${m.histogram.xTitleY}" text-anchor="middle">error (dequantized minus float)</text>
<text transform="rotate(-90)" x="${m.histogram.yTitleX}" y="-50" text-anchor="middle">values per bin</text>
</svg>
<#if m.stepCharts?has_content>
<h3>SQNR per time step (recurrent layers)</h3>
<#list m.stepCharts as c>
<p>${c.name}: ${c.steps} steps, on ${m.samples} ${m.samplesWord}</p>
<svg class="step-plot" width="${c.outerWidth}" height="${c.outerHeight}" viewBox="${c.box}" role="img" aria-label="SQNR per time step">
<line x1="0" y1="${c.height}" x2="${c.width}" y2="${c.height}" stroke="#999"/>
<line x1="0" y1="0" x2="0" y2="${c.height}" stroke="#999"/>
<text x="-4" y="10" text-anchor="end">${c.hi}</text>
<text x="-4" y="${c.midY}" text-anchor="end">${c.mid}</text>
<text x="-4" y="${c.height}" text-anchor="end">${c.lo}</text>
<#list c.xTicks as t><line x1="${t.x}" y1="${c.height}" x2="${t.x}" y2="${c.tickY}" stroke="#999"/><text class="x-tick" x="${t.x}" y="${c.height}" dy="14" text-anchor="middle">${t.label}</text></#list>
<text x="${c.xTitleX}" y="${c.xTitleY}" text-anchor="middle">time step</text>
<text transform="rotate(-90)" x="${c.yTitleX}" y="-50" text-anchor="middle">SQNR (dB)</text>
<polyline points="${c.points}" fill="none" stroke="#54a24b" stroke-width="1.5"/>
<#list c.dots as d><circle cx="${d.x}" cy="${d.y}" r="2" fill="#54a24b"><title>${d.label}</title></circle></#list>
</svg>
</#list>
</#if>

<h2 id="memory">Memory</h2>
<h3>The model alone</h3>
<p class="muted">${m.modelMemoryNote}</p>
<table class="kv">
<#list m.modelMemory as p><tr><td>${p.key}</td><td class="n">${p.value}</td></tr></#list>
</table>
<#if m.imageMemory?has_content>
<h3>The test image verify linked</h3>
<p class="muted">${m.imageNote}</p>
<table class="kv">
<#list m.imageMemory as p><tr><td>${p.key}</td><td class="n">${p.value}</td></tr></#list>
</table>
</#if>
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
<thead><tr><th>buffer</th><th>offset</th><th>bytes</th><th>steps</th></tr></thead><tbody>
<#list m.arena.rows as r><tr><td>${r.tensor}</td><td class="n">${r.offset}</td><td class="n">${r.bytes}</td><td>${r.steps}</td></tr></#list>
</tbody></table>
<#list m.others as o>
<h2 id="${o.id}">${o.title}</h2>
<table class="kv">
<#list o.rows as p><tr><td>${p.key}</td><td>${p.value}</td></tr></#list>
</table>
</#list>
<p class="muted">Generated by mcugen; the same data as report.json.</p>
</body>
</html>
