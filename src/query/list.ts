/**
 * `tmt list`: runs newest first, filtered by name, time, status and tag.
 * Pure over run records, so it is tested without git.
 */
import { TmtError } from '../errors.js';
import type { RunRecord } from '../run/read.js';
import { displayStatus, type DisplayStatus } from '../run/status.js';
import { evaluate, parseExpr, type QueryRun } from './expr/index.js';
import { toQueryRun } from './query-run.js';
import { parseSort, sortRuns } from './sort.js';
import { parseTimeSpec } from './time.js';

export interface ListOptions {
  /** A filter expression (see expr/). */
  where?: string;
  /** `FIELD[:asc|desc],...`; default newest first. */
  sort?: string;
  name?: string;
  since?: string;
  until?: string;
  status?: string[];
  tags?: string[];
  limit?: number;
  nowMs: number;
}

export interface RunRow {
  id: string;
  shortId: string;
  name: string | undefined;
  status: DisplayStatus | 'unreadable';
  started: string | undefined;
  durationMs: number | undefined;
  tags: string[];
  params: Record<string, unknown>;
  /** Last value of each metric. */
  metrics: Record<string, number>;
  problem?: string;
}

const STATUSES = ['running', 'finished', 'failed', 'killed', 'stale', 'unreadable'];

/** A listed run: the display row and the flat view filters and columns read from. */
export interface Listed {
  row: RunRow;
  run: QueryRun;
}

export function listRuns(runs: readonly RunRecord[], opts: ListOptions): RunRow[] {
  return listRunsWithQuery(runs, opts).map((l) => l.row);
}

export function listRunsWithQuery(runs: readonly RunRecord[], opts: ListOptions): Listed[] {
  const nameRe = opts.name === undefined ? undefined : compileRegex(opts.name, '--name');
  const since = opts.since === undefined ? undefined : parseTimeSpec(opts.since, opts.nowMs, '--since');
  const until = opts.until === undefined ? undefined : parseTimeSpec(opts.until, opts.nowMs, '--until');
  for (const s of opts.status ?? []) {
    if (!STATUSES.includes(s)) throw new TmtError('BAD_ARGUMENT', `--status: unknown status "${s}"`, { hint: `one of ${STATUSES.join(', ')}` });
  }
  const where = opts.where === undefined ? undefined : parseExpr(opts.where);
  const sortKeys = opts.sort ? parseSort(opts.sort) : undefined;
  const short = shortIds(runs.map((r) => r.id));
  // Filter first, then sort what is left: at 100,000 runs the order matters.
  let candidates: Listed[] = [];
  for (const r of [...runs].reverse()) {
    const run = toQueryRun(r);
    if (where && !evaluate(where, run, opts.nowMs)) continue;
    const row = toRow(r, short.get(r.id)!);
    if (nameRe && !nameRe.test(row.name ?? '')) continue;
    const started = row.started ? Date.parse(row.started) : undefined;
    if (since !== undefined && (started === undefined || started < since)) continue;
    if (until !== undefined && (started === undefined || started > until)) continue;
    if (opts.status?.length && !opts.status.includes(row.status)) continue;
    if (opts.tags?.length && !opts.tags.every((t) => row.tags.includes(t))) continue;
    candidates.push({ row, run });
    if (!sortKeys && opts.limit !== undefined && candidates.length >= opts.limit) break;
  }
  if (sortKeys) {
    const byId = new Map(candidates.map((c) => [c.run.id, c]));
    candidates = sortRuns(candidates.map((c) => c.run), sortKeys).map((q) => byId.get(q.id)!);
  }
  return opts.limit === undefined ? candidates : candidates.slice(0, opts.limit);
}


function toRow(r: RunRecord, shortId: string): RunRow {
  const m = r.meta;
  if (!m) return { id: r.id, shortId, name: undefined, status: 'unreadable', started: undefined, durationMs: undefined, tags: [], params: {}, metrics: {}, problem: r.problem };
  return {
    id: r.id,
    shortId,
    name: m.name,
    status: displayStatus(m),
    started: m.started || undefined,
    durationMs: m.durationMs,
    tags: m.tags,
    params: m.params,
    metrics: Object.fromEntries(Object.entries(m.metrics).map(([k, s]) => [k, s.last])),
  };
}

/** The shortest prefix (at least 8 characters) that tells each id apart, as git abbreviates. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const sorted = [...ids].sort();
  const out = new Map<string, string>();
  sorted.forEach((id, i) => {
    let len = 8;
    for (const other of [sorted[i - 1], sorted[i + 1]]) {
      if (!other) continue;
      let k = 0;
      while (k < id.length && id[k] === other[k]) k++;
      len = Math.max(len, k + 1);
    }
    out.set(id, id.slice(0, len));
  });
  return out;
}

/** The metric names worth a column: the most common across `rows`, at most `max`. */
export function mainMetrics(rows: readonly RunRow[], max = 3): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([k]) => k);
}

function compileRegex(source: string, flag: string): RegExp {
  try {
    return new RegExp(source);
  } catch (err) {
    throw new TmtError('BAD_ARGUMENT', `${flag}: invalid regular expression: ${(err as Error).message}`, { hint: 'escape special characters, e.g. lr\\.01' });
  }
}
