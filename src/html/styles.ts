/**
 * The page's own stylesheet (diff2html's comes first). Light and dark follow
 * the reader's system setting. Includes a small highlight.js theme, since the
 * inlined diff2html bundle brings highlight.js without one.
 */
export const PAGE_CSS = `
:root { --bg: #fff; --fg: #1f2328; --dim: #656d76; --border: #d0d7de; --head: #f6f8fa; --changed: #fff8c5;
  --better: #1a7f37; --better-bg: #dafbe1; --worse: #cf222e; --worse-bg: #ffebe9; --accent: #0969da; --grid: #eaeef2;
  --killed: #8250df; --stale: #9a6700; color-scheme: light dark; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --dim: #8d96a0; --border: #30363d; --head: #161b22; --changed: #3b2f00;
    --better: #3fb950; --better-bg: #12261e; --worse: #f85149; --worse-bg: #2d1214; --accent: #4493f8; --grid: #21262d;
    --killed: #bc8cff; --stale: #d29922; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 0 24px 48px; background: var(--bg); color: var(--fg); font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 20px; margin: 18px 0 2px; word-break: break-word; }
h2 { font-size: 17px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
.page-head p { margin: 0 0 8px; }
.dim { color: var(--dim); }
.small { font-size: 12px; }
.toc { position: sticky; top: 0; z-index: 20; background: var(--bg); padding: 6px 0; border-bottom: 1px solid var(--border); display: flex; gap: 16px; flex-wrap: wrap; }
.toc a, .file-list a { color: var(--accent); text-decoration: none; }
.block { margin: 22px 0; }
.scroll { overflow-x: auto; }
table.grid { border-collapse: collapse; min-width: 40%; }
.grid th, .grid td { border: 1px solid var(--border); padding: 4px 10px; text-align: left; vertical-align: top; max-width: 520px; overflow-wrap: anywhere; white-space: pre-wrap; }
.grid thead th { background: var(--head); position: sticky; top: 0; }
.grid tbody th { font-weight: 600; background: var(--head); overflow-wrap: break-word; } /* row labels break between words only, unless one is too long */
.grid tr.changed > td, .grid tr.changed > th { background: var(--changed); }
.grid.only-changed tr.same { display: none; }
.grid td.missing, .missing { color: var(--dim); }
.run-col { white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.detail { display: block; font-size: 12px; color: var(--dim); font-weight: normal; }
td.metric .value { font-variant-numeric: tabular-nums; font-weight: 600; }
td.better, span.better { color: var(--better); }
td.better { background: var(--better-bg); }
td.worse, span.worse, .diverged { color: var(--worse); }
td.worse { background: var(--worse-bg); }
.best-mark { color: #bf8700; }
.status-finished { color: var(--better); }
.status-failed { color: var(--worse); }
.status-killed { color: var(--killed); }
.status-stale { color: var(--stale); font-style: italic; }
.status-running { color: var(--accent); }
.stderr-tail { margin: 10px 0; }
.stderr-tail summary { cursor: pointer; color: var(--worse); }
.stderr-tail pre { max-height: 420px; overflow: auto; background: var(--head); border: 1px solid var(--border); padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; }
.controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 6px 0 10px; }
.control { display: inline-flex; gap: 4px; align-items: center; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.chart-card { margin: 0; border: 1px solid var(--border); border-radius: 6px; padding: 8px; min-width: 0; }
.chart-card figcaption { margin-bottom: 4px; overflow-wrap: anywhere; }
.chart-body { min-height: 240px; }
.chart { position: relative; }
.chart svg { display: block; max-width: 100%; overflow: visible; }
.chart text { font-size: 11px; fill: var(--dim); }
.chart .grid { stroke: var(--grid); }
.chart .axis, .chart .tick { stroke: var(--border); }
.chart .best { stroke: var(--bg); stroke-width: 1.5px; }
.chart .crosshair { stroke: var(--dim); stroke-dasharray: 3 3; }
.chart .tip { position: absolute; top: 4px; right: 8px; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; padding: 4px 8px; font-size: 12px; pointer-events: none; max-width: 90%; }
.before-after { display: flex; gap: 16px; flex-wrap: wrap; margin: 6px 10px; }
.before-after figure { margin: 0; }
.before-after img, .artifacts img { max-width: 360px; max-height: 300px; display: block; cursor: zoom-in; background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 50% / 16px 16px; }
.before-after img.enlarged, .artifacts img.enlarged { max-width: none; max-height: none; cursor: zoom-out; }
.artifacts th.path { white-space: pre-wrap; }
.artifact-text { max-height: 400px; overflow: auto; background: var(--head); padding: 6px; margin: 4px 0; white-space: pre; }
button, select { font: inherit; padding: 3px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--head); color: var(--fg); cursor: pointer; }
.segmented { display: inline-flex; }
.segmented button { border-radius: 0; }
.segmented button:first-child { border-radius: 6px 0 0 6px; }
.segmented button:last-child { border-radius: 0 6px 6px 0; border-left: none; }
button[aria-pressed="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.diff-head { margin: 4px 0 8px; }
.file-list { margin: 8px 0 12px; }
.file-list ol, .hidden-files ol { margin: 4px 0; padding-left: 28px; max-height: 320px; overflow: auto; }
details.file { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; }
details.file > summary { padding: 6px 10px; background: var(--head); cursor: pointer; border-radius: 6px; overflow-wrap: anywhere; position: sticky; top: 34px; z-index: 5; }
details.file[open] > summary { border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; }
.file-body .d2h-file-header { display: none; }
.file-body .d2h-file-wrapper { border: none; margin: 0; border-radius: 0; }
.file-body .note { margin: 6px 10px; color: var(--dim); }
.path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; }
.stat .add { color: var(--better); }
.stat .del { color: var(--worse); }
.mode { color: var(--dim); font-size: 12px; }
.cr { font-size: 0; }
.cr::before { content: "CR"; font: 9px/1 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 0 2px; margin: 0 1px; border: 1px solid currentColor; border-radius: 3px; vertical-align: 2px; opacity: 0.7; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 10px; border: 1px solid var(--border); text-transform: uppercase; }
.tag-A { color: var(--better); border-color: var(--better); }
.tag-D { color: var(--worse); border-color: var(--worse); }
.tag-R, .tag-C, .tag-T { color: var(--accent); border-color: var(--accent); }
.notice { border: 1px solid var(--border); border-left: 4px solid var(--accent); padding: 6px 12px; margin: 12px 0; }
.warning { border-left: 4px solid var(--worse); padding: 4px 12px; background: var(--worse-bg); }
.hljs-comment, .hljs-quote { color: #6e7781; font-style: italic; }
.hljs-keyword, .hljs-selector-tag, .hljs-doctag, .hljs-meta .hljs-keyword { color: #cf222e; }
.hljs-string, .hljs-regexp, .hljs-addition, .hljs-meta .hljs-string { color: #0a3069; }
.hljs-number, .hljs-literal, .hljs-variable.language_, .hljs-attr, .hljs-attribute, .hljs-symbol { color: #0550ae; }
.hljs-title, .hljs-title.function_, .hljs-section { color: #8250df; }
.hljs-built_in, .hljs-type, .hljs-title.class_, .hljs-name, .hljs-selector-id, .hljs-selector-class { color: #953800; }
.hljs-meta, .hljs-params { color: #1f2328; }
@media (prefers-color-scheme: dark) {
  .hljs-comment, .hljs-quote { color: #8b949e; }
  .hljs-keyword, .hljs-selector-tag, .hljs-doctag, .hljs-meta .hljs-keyword { color: #ff7b72; }
  .hljs-string, .hljs-regexp, .hljs-addition, .hljs-meta .hljs-string { color: #a5d6ff; }
  .hljs-number, .hljs-literal, .hljs-variable.language_, .hljs-attr, .hljs-attribute, .hljs-symbol { color: #79c0ff; }
  .hljs-title, .hljs-title.function_, .hljs-section { color: #d2a8ff; }
  .hljs-built_in, .hljs-type, .hljs-title.class_, .hljs-name, .hljs-selector-id, .hljs-selector-class { color: #ffa657; }
  .hljs-meta, .hljs-params { color: #e6edf3; }
}
`;
