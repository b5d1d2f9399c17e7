<#-- The style report.html and the analyze report share (included from both). -->
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
h3 { font-size: 1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 12.5px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f3f3f3; overflow-wrap: normal; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hash, td.cmd { font-family: ui-monospace, monospace; font-size: 11.5px; }
tr.total td { font-weight: bold; }
.held, .pass { color: #176b2c; }
.rounded, .handled, .warning { color: #8a6100; }
.violated, .fail { color: #b00020; font-weight: bold; }
.not-applicable { color: #777; }
.kv td:first-child { color: #555; }
nav { margin: .8em 0; }
nav a { margin-right: 1em; white-space: nowrap; }
svg { background: #fafafa; border: 1px solid #e3e3e3; margin: .3em 0 1em; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.muted { color: #777; }
#verdict { border: 2px solid; border-radius: 6px; padding: .6em 1em; margin: 1em 0; }
#verdict.verdict-pass { border-color: #2e8540; background: #eaf6ec; }
#verdict.verdict-fail { border-color: #b00020; background: #fdecee; }
#verdict .word { font-size: 1.8em; font-weight: bold; letter-spacing: .05em; margin-right: .5em; }
.verdict-pass .word { color: #176b2c; }
.verdict-fail .word { color: #b00020; }
#verdict table { background: #fff; }
@media print {
  body { max-width: none; margin: 0; font-size: 11px; }
  nav { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, svg, #verdict { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  #verdict, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
</style>
