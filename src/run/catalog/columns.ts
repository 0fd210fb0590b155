/**
 * The catalog's columns: each queryable field of every run, stored apart so a
 * query loads only the fields it reads. Value columns are JSON: the builtin
 * fields below and `p:<key>` for each top-level param key, null where a run
 * has no value. Metric columns, `m:<name>`, are binary: five doubles a row
 * (first, last, min, max, count), count NaN where the run lacks the metric,
 * so reading one costs no parsing at all.
 */
import type { RunMeta } from '../note/metadata.js';

export const BUILTIN_COLUMNS = ['name', 'status', 'tags', 'started', 'ended', 'durationMs', 'host', 'pid', 'branch', 'base', 'sweep'] as const;
export type BuiltinColumn = (typeof BUILTIN_COLUMNS)[number];

/** Doubles per row in a metric column. */
export const METRIC_WIDTH = 5;

/**
 * How many metric names, and how many param keys, one run adds to the
 * catalog: every name is a column of every run, so a run with a million of
 * them (a bug, or another clone's note) would make every query slow. `tmt
 * show` still shows the whole note; metrics.jsonl keeps every series.
 */
export const MAX_COLUMNS_PER_RUN = 1000;

export const paramColumn = (key: string): string => `p:${key}`;
export const metricColumn = (name: string): string => `m:${name}`;

function builtinCells(meta: RunMeta): unknown[] {
  return [meta.name, meta.status, meta.tags.length ? meta.tags : undefined, meta.started || undefined, meta.ended, meta.durationMs, meta.host?.hostname, meta.host?.pid, meta.git.branch, meta.git.base, meta.sweep];
}

/** Every value cell a run has, by column name (metrics apart, see `metricCells`). */
export function valueCells(meta: RunMeta): Map<string, unknown> {
  const cells = new Map<string, unknown>();
  builtinCells(meta).forEach((v, k) => v !== undefined && v !== null && cells.set(BUILTIN_COLUMNS[k]!, v));
  for (const k of firstKeys(meta.params)) {
    const v = meta.params[k];
    if (v !== undefined && v !== null) cells.set(paramColumn(k), v);
  }
  return cells;
}

/** A run's metric summaries as column cells. */
export function metricCells(meta: RunMeta): Map<string, readonly number[]> {
  return new Map(firstKeys(meta.metrics).map((k) => { const s = meta.metrics[k]!; return [k, [s.first, s.last, s.min, s.max, s.count]]; }));
}

/** The first MAX_COLUMNS_PER_RUN keys, without listing all of a huge object's keys. */
function firstKeys(o: object): string[] {
  const out: string[] = [];
  for (const k in o) {
    if (out.length === MAX_COLUMNS_PER_RUN) break;
    out.push(k);
  }
  return out;
}

/** A metric column of `size` rows, all missing. */
export function emptyMetricColumn(size: number): Float64Array {
  return new Float64Array(size * METRIC_WIDTH).fill(NaN);
}

/** A value column as stored: dense when most runs have a value, else the rows that do. */
export type EncodedColumn = unknown[] | { rows: number[]; values: unknown[] };

/**
 * Collects every run's cells, row by row, for a catalog of `size` rows. Value
 * cells are kept as JSON text: a string sliced from a note would keep the
 * whole note alive, and the column is written as JSON anyway.
 */
export class ColumnsBuilder {
  private readonly builtins = BUILTIN_COLUMNS.map(() => ({ rows: [] as number[], cells: [] as string[] }));
  private readonly params = new Map<string, { rows: number[]; cells: string[] }>();
  private readonly metrics = new Map<string, Float64Array>();
  /** JSON of values that repeat from run to run (status, host, branch, base). */
  private readonly seen = new Map<string, string>();

  constructor(private readonly size: number) {
    if (BUILTIN_COLUMNS.length !== 11) throw new Error('add() writes the builtin columns by position');
  }

  add(row: number, meta: RunMeta): void {
    const b = this.builtins;
    put(b[0]!, row, meta.name);
    put(b[1]!, row, meta.status, this.seen);
    put(b[2]!, row, meta.tags.length ? meta.tags : undefined);
    put(b[3]!, row, meta.started || undefined);
    put(b[4]!, row, meta.ended);
    put(b[5]!, row, meta.durationMs);
    put(b[6]!, row, meta.host?.hostname, this.seen);
    put(b[7]!, row, meta.host?.pid);
    put(b[8]!, row, meta.git.branch, this.seen);
    put(b[9]!, row, meta.git.base, this.seen);
    put(b[10]!, row, meta.sweep);
    for (const key of firstKeys(meta.params)) {
      let c = this.params.get(key);
      if (!c) this.params.set(key, (c = { rows: [], cells: [] }));
      put(c, row, meta.params[key]);
    }
    for (const name of firstKeys(meta.metrics)) {
      const s = meta.metrics[name]!;
      let c = this.metrics.get(name);
      if (!c) this.metrics.set(name, (c = emptyMetricColumn(this.size)));
      const at = row * METRIC_WIDTH;
      c[at] = s.first;
      c[at + 1] = s.last;
      c[at + 2] = s.min;
      c[at + 3] = s.max;
      c[at + 4] = s.count;
    }
  }

  /** Value columns as the JSON text of an EncodedColumn. */
  *valueColumns(): Generator<[string, string]> {
    for (const [k, c] of this.builtins.entries()) if (c.rows.length) yield [BUILTIN_COLUMNS[k]!, this.encode(c)];
    for (const [key, c] of this.params) yield [paramColumn(key), this.encode(c)];
  }

  metricColumns(): Map<string, Float64Array> {
    return this.metrics;
  }

  private encode(c: { rows: number[]; cells: string[] }): string {
    if (c.rows.length * 4 < this.size) return `{"rows":${JSON.stringify(c.rows)},"values":[${c.cells.join(',')}]}`;
    const dense = new Array<string>(this.size).fill('null');
    c.rows.forEach((r, k) => (dense[r] = c.cells[k]!));
    return `[${dense.join(',')}]`;
  }
}

/** Appends a cell unless the value is missing; `seen` memoises the JSON of repeating strings. */
function put(c: { rows: number[]; cells: string[] }, row: number, v: unknown, seen?: Map<string, string>): void {
  if (v === undefined || v === null) return;
  let json: string;
  if (typeof v === 'number') json = Number.isFinite(v) ? String(v) : 'null';
  else if (typeof v === 'string' && seen) {
    json = seen.get(v) ?? JSON.stringify(v);
    if (seen.size < 10_000) seen.set(v, json);
  } else json = JSON.stringify(v);
  c.rows.push(row);
  c.cells.push(json);
}

/** A value column's values for rows 0..size-1 (null where a run has none). */
export function decodeColumn(encoded: EncodedColumn, size: number): unknown[] {
  if (Array.isArray(encoded)) return encoded;
  const out: unknown[] = new Array<unknown>(size).fill(null);
  encoded.rows.forEach((r, k) => (out[r] = encoded.values[k]));
  return out;
}
