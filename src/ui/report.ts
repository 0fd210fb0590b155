/**
 * `tmt report`: the ui's views as one self-contained HTML file, for an issue
 * or a paper's supplement. The page is the ui's own script with the answers
 * it would have asked the server for put in a JSON block, so it shows the same
 * table, charts and details, offline, without live updates or a filter (the
 * quick search and sorting work). A policy with hashes of the one script and
 * stylesheet forbids everything else, network included.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TmtError } from '../errors.js';
import { cspHash } from '../html/assets.js';
import { escapeHtml, escapeInlineScript, jsonForScript } from '../html/escape.js';
import type { Repo } from '../git/repo.js';
import type { RunDetails } from '../run/read/show.js';
import { imageType, uiImage, uiRun, uiRuns, uiSeries, type UiRow, type UiSeries } from './api.js';
import { UI_CSS } from './shell.js';

export interface ReportOptions {
  repo: Repo;
  where?: string;
  /** The newest this many runs the filter matches. */
  limit: number;
  nowMs?: number;
}

export interface ReportData {
  generatedAt: string;
  where: string | null;
  rows: UiRow[];
  series: UiSeries['runs'];
  directions: UiSeries['directions'];
  details: Record<string, RunDetails>;
  /** Runs the filter matched beyond the limit, left out. */
  leftOut: number;
  /** `<run id>/<artifact>` → a data: URI, for the image artifacts small enough to carry. */
  images: Record<string, string>;
}

/** Images a report carries, each at most this big: a report is a file to attach, not an archive. */
const MAX_REPORT_IMAGE = 1 << 20;

export async function buildReport(opts: ReportOptions): Promise<ReportData> {
  const all = await uiRuns(opts.repo, opts.where, opts.nowMs);
  if (all.error) throw new TmtError('BAD_ARGUMENT', all.error[0]!, { hint: all.error.slice(1).join('\n') || 'see the README section "Filter expressions"' });
  const rows = all.rows.slice(0, opts.limit);
  const { runs: series, directions } = await uiSeries(opts.repo, rows.map((r) => r.id));
  const details: Record<string, RunDetails> = {};
  const images: Record<string, string> = {};
  for (const r of rows) {
    if (r.status === 'unreadable') continue;
    const d = (details[r.id] = await uiRun(opts.repo, r.id));
    for (const a of d.artifacts) {
      if (!imageType(a.path) || a.size > MAX_REPORT_IMAGE || a.lfs?.here === false) continue;
      const { type, bytes } = await uiImage(opts.repo, r.id, a.path);
      images[`${r.id}/${a.path}`] = `data:${type};base64,${bytes.toString('base64')}`;
    }
  }
  return { generatedAt: new Date(opts.nowMs ?? Date.now()).toISOString(), where: opts.where ?? null, rows, series, details, leftOut: all.rows.length - rows.length, images, directions };
}

/** The page as strings to write one after another. */
export function renderReport(data: ReportData, opts: { title: string; tmtVersion: string }): string[] {
  const script = escapeInlineScript(fs.readFileSync(fileURLToPath(new URL('./client.js', import.meta.url)), 'utf8'));
  const css = UI_CSS.replace(/<\/(style)/gi, '<\\/$1');
  const csp = ["default-src 'none'", `script-src ${cspHash(script)}`, `style-src ${cspHash(css)}`, 'img-src data:', "base-uri 'none'", "form-action 'none'"].join('; ');
  return [
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">\n`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="referrer" content="no-referrer">\n',
    `<meta name="generator" content="tmt ${escapeHtml(opts.tmtVersion)}">\n`,
    `<title>${escapeHtml(opts.title)}</title>\n<style>${css}</style>\n</head>\n<body>\n`,
    `<header class="page-head"><h1>${escapeHtml(opts.title)}</h1><p class="dim" id="summary"></p></header>\n<main id="app"></main>\n`,
    `<script type="application/json" id="tmt-report-data">${jsonForScript(data)}</script>\n`,
    `<script>${script}</script>\n</body>\n</html>\n`,
  ];
}
