/**
 * The one page `tmt ui` serves: an empty shell that its script (/app.js)
 * fills from the JSON API. Nothing from runs is ever in this HTML.
 */
import { escapeHtml } from '../html/escape.js';
import { PAGE_CSS } from '../html/styles.js';

export function uiShell(tmtVersion: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="tmt ${escapeHtml(tmtVersion)}">
<title>tmt ui</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header class="page-head"><h1>tmt ui</h1><p class="dim" id="summary">loading runs...</p></header>
<main id="app"></main>
<script src="/app.js"></script>
</body>
</html>
`;
}

/** The comparison page's stylesheet, and the table's and panels' own. */
export const UI_CSS = `${PAGE_CSS}
.bar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 8px 0; }
.bar input[type=text] { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 4px 6px; min-width: 320px; background: var(--bg); color: var(--fg); border: 1px solid var(--border); border-radius: 4px; }
.where-error { color: var(--worse); font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre; margin: 0 0 6px; }
.runs { height: 420px; overflow: auto; border: 1px solid var(--border); position: relative; }
.runs table { border-collapse: collapse; width: max-content; min-width: 100%; }
.runs th, .runs td { padding: 0 10px; height: 24px; white-space: nowrap; text-align: left; border-bottom: 1px solid var(--grid); font-variant-numeric: tabular-nums; max-width: 320px; overflow: hidden; text-overflow: ellipsis; }
.runs thead th { position: sticky; top: 0; background: var(--head); cursor: pointer; z-index: 2; user-select: none; }
.runs tbody tr { cursor: pointer; }
.runs tbody tr:hover td { background: var(--head); }
.runs tbody tr.current td { background: var(--changed); }
.runs td.num { text-align: right; }
.status-killed { color: #8250df; }
.status-stale { color: #bf8700; }
.status-running { color: var(--accent); }
.panels { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; margin-top: 14px; }
@media (max-width: 1000px) { .panels { grid-template-columns: minmax(0, 1fr); } }
.log { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--head); border: 1px solid var(--border); border-radius: 4px; padding: 6px 8px; max-height: 280px; overflow: auto; }
.kv { border-collapse: collapse; }
.kv th { text-align: left; padding: 1px 12px 1px 0; color: var(--dim); font-weight: normal; vertical-align: top; }
.kv td { padding: 1px 0; overflow-wrap: anywhere; }
a.button { color: var(--accent); }
img.artifact-image { max-width: 360px; max-height: 300px; display: block; margin: 4px 0; }
.groups-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scatters { display: grid; grid-template-columns: repeat(auto-fill, minmax(310px, 1fr)); gap: 12px; }
.chart .pc-axis text { paint-order: stroke; stroke: var(--bg); stroke-width: 3px; }
.chart .pc-axis .axis-label { fill: var(--fg); font-weight: 600; }
.chart .pc-line:hover { stroke-width: 3.5px; stroke-opacity: 1; }
.chart .pt { stroke: var(--bg); stroke-width: 1px; }
`;
