/**
 * `tmt list`: runs newest first, filtered by an expression, name, time,
 * status and tag, sorted and limited. Selection reads only the columns the
 * options name; whole records are loaded for the rows that are shown.
 */
import { TmtError } from '../errors.js';
import type { RunRecord } from '../run/read/read.js';
import { isRunSource, recordSource, type RunSource } from '../run/catalog/run-source.js';
import { DISPLAY_STATUSES, displayStatus, type DisplayStatus } from '../run/note/status.js';
import type { FieldRef } from './expr/ast.js';
import { evaluate, fieldRef, parseExpr, type QueryRun } from './expr/index.js';
import { columnsFor, fieldsOf, partialRuns, toQueryRun } from './query-run.js';
import { parseSort, sortRuns } from './sort.js';
import { RegexError, userRegex, type Matcher } from './regex/index.js';
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
  /** Fields the caller reads from the selected runs (e.g. group-by keys); validated already. */
  fields?: readonly string[];
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

const STATUSES: readonly string[] = DISPLAY_STATUSES;

/** A listed run: the display row and the flat view filters and columns read from. */
export interface Listed {
  row: RunRow;
  run: QueryRun;
}

/** Rows of the selected runs (newest first, or as sorted), with their partial QueryRuns. */
export interface Selection {
  rows: number[];
  /** Index-aligned with `rows`; hold the fields the options and `fields` name. */
  runs: QueryRun[];
  /** Params and metrics the options name that no run has at all (likely typos), with what was probably meant. */
  unknownFields: Array<{ field: string; meant?: string }>;
  /** Runs with unreadable notes that a filter left out (they have no fields to match). */
  unreadableLeftOut: number;
}

/** Whether a --where expression names a field (e.g. status): the user then decides about it. */
export function whereNames(where: string | undefined, field: string): boolean {
  return where !== undefined && fieldsOf(parseExpr(where)).some((f) => f.kind === 'builtin' && f.name === field);
}

export function listRuns(runs: RunSource | readonly RunRecord[], opts: ListOptions): RunRow[] {
  return listRunsWithQuery(runs, opts).map((l) => l.row);
}

/** Selects runs and loads their whole records. */
export function listRunsWithQuery(runs: RunSource | readonly RunRecord[], opts: ListOptions): Listed[] {
  const source = isRunSource(runs) ? runs : recordSource(runs);
  return listedRows(source, selectRuns(source, opts).rows);
}

/** Whole records for rows of a source. */
export function listedRows(source: RunSource, rows: readonly number[]): Listed[] {
  return rows.map((row) => {
    const record = source.record(row);
    return { row: toRow(record, shortIdAt(source.ids, row)), run: toQueryRun(record) };
  });
}

export function selectRuns(source: RunSource, opts: ListOptions): Selection {
  const nameRe = opts.name === undefined ? undefined : compileRegex(opts.name, '--name');
  const since = opts.since === undefined ? undefined : parseTimeSpec(opts.since, opts.nowMs, '--since');
  const until = opts.until === undefined ? undefined : parseTimeSpec(opts.until, opts.nowMs, '--until', 'end');
  for (const s of opts.status ?? []) {
    if (!STATUSES.includes(s)) throw new TmtError('BAD_ARGUMENT', `--status: unknown status "${s}"`, { hint: `one of ${STATUSES.join(', ')}` });
  }
  const where = opts.where === undefined ? undefined : parseExpr(opts.where);
  const sortKeys = opts.sort ? parseSort(opts.sort) : undefined;
  const named = [...fieldsOf(where), ...(sortKeys ?? []).map((k) => fieldRef(k.field)), ...(opts.fields ?? []).map(fieldRef)];
  const columns = columnsFor([
    ...named,
    ...(nameRe ? [fieldRef('name')] : []),
    ...(since !== undefined || until !== undefined ? [fieldRef('started')] : []),
    ...(opts.tags?.length ? [fieldRef('tags')] : []),
  ]);
  const runs = partialRuns(source, columns);
  // Filter first, then sort what is left: at 100,000 runs the order matters.
  let picked: number[] = [];
  let unreadable = 0;
  for (let row = runs.length - 1; row >= 0; row--) {
    const run = runs[row]!;
    if (opts.status?.length && !opts.status.includes(run.status)) continue;
    const started = run.started ? Date.parse(run.started) : undefined;
    const kept =
      !(where && !evaluate(where, run, opts.nowMs)) &&
      !(nameRe && !nameRe.test(run.name ?? '')) &&
      !(since !== undefined && (started === undefined || started < since)) &&
      !(until !== undefined && (started === undefined || started > until)) &&
      !(opts.tags?.length && !opts.tags.every((t) => run.tags.includes(t)));
    if (!kept) {
      // A run whose note cannot be read has no fields to match: say so rather than drop it silently.
      if (run.status === 'unreadable') unreadable++;
      continue;
    }
    picked.push(row);
    if (!sortKeys && opts.limit !== undefined && picked.length >= opts.limit) break;
  }
  if (sortKeys) {
    const rowOf = new Map(picked.map((row) => [runs[row]!, row]));
    picked = sortRuns(picked.map((row) => runs[row]!), sortKeys).map((r) => rowOf.get(r)!);
  }
  if (opts.limit !== undefined) picked = picked.slice(0, opts.limit);
  return { rows: picked, runs: picked.map((row) => runs[row]!), unknownFields: unknownFields(source, named), unreadableLeftOut: unreadable };
}

function unknownFields(source: RunSource, refs: readonly FieldRef[]): Selection['unknownFields'] {
  if (source.ids.length === 0) return [];
  const present = new Set(source.columnNames());
  const has = (r: FieldRef) => [...columnsFor([r])].some((c) => present.has(c));
  const out = new Map<string, string | undefined>();
  for (const r of refs) {
    if (r.kind === 'param' && !has(r)) out.set(`params.${r.path.join('.')}`, undefined);
    if (r.kind !== 'metric' || has(r)) continue;
    // metrics.acc.mean: acc exists, and .mean is not one of its summaries.
    const dot = r.metric.lastIndexOf('.');
    const base = dot > 0 ? r.metric.slice(0, dot) : undefined;
    const meant = base !== undefined && has({ kind: 'metric', metric: base, stat: 'last' }) ? `metrics.${base} has the summaries .first .last .min .max .count, not .${r.metric.slice(dot + 1)}` : undefined;
    out.set(`metrics.${r.metric}`, meant);
  }
  return [...out].map(([field, meant]) => (meant ? { field, meant } : { field }));
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

/** The shortest prefix (at least 8 characters) that tells ids[row] from its neighbours in sorted `ids`, as git abbreviates. */
export function shortIdAt(ids: readonly string[], row: number): string {
  const id = ids[row]!;
  let len = 8;
  for (const other of [ids[row - 1], ids[row + 1]]) {
    if (!other) continue;
    let k = 0;
    while (k < id.length && id[k] === other[k]) k++;
    len = Math.max(len, k + 1);
  }
  return id.slice(0, len);
}

/** Short ids for many ids at once (see shortIdAt). */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const sorted = [...ids].sort();
  return new Map(sorted.map((id, row) => [id, shortIdAt(sorted, row)]));
}

/** The metric names worth a column: the most common across `rows`, at most `max`. */
export function mainMetrics(rows: readonly RunRow[], max = 3): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([k]) => k);
}

function compileRegex(source: string, flag: string): Matcher {
  try {
    return userRegex(source);
  } catch (err) {
    if (!(err instanceof RegexError)) throw err;
    throw new TmtError('BAD_ARGUMENT', `${flag}: invalid regular expression: ${err.message}`, { hint: err.hint ?? 'escape special characters, e.g. lr\\.01' });
  }
}
