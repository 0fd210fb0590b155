/**
 * What the query layer reads runs from: ids in time order, per-field columns
 * (see columns.ts) and whole records on demand. The catalog is one; a plain
 * array of records (the library's `readRuns`) is adapted to one here.
 */
import { emptyMetricColumn, METRIC_WIDTH, metricCells, metricColumn, valueCells } from './columns.js';
import type { RunRecord } from '../read/read.js';

export interface RunSource {
  /** Run ids, oldest first. */
  readonly ids: readonly string[];
  /** A value column (builtin or `p:<key>`) for every row, null where a run has none. */
  column(name: string): readonly unknown[];
  /** A metric's column: METRIC_WIDTH doubles a row (first, last, min, max, count); count NaN where a run lacks it. */
  metricColumn(name: string): Float64Array;
  /** Names of the columns any run has. */
  columnNames(): string[];
  record(row: number): RunRecord;
}

export function isRunSource(x: RunSource | readonly RunRecord[]): x is RunSource {
  return !Array.isArray(x);
}

/** A source over records already in memory. */
export function recordSource(records: readonly RunRecord[]): RunSource {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const values = sorted.map((r) => (r.meta ? valueCells(r.meta) : new Map<string, unknown>()));
  const metrics = sorted.map((r) => (r.meta ? metricCells(r.meta) : new Map<string, readonly number[]>()));
  return {
    ids: sorted.map((r) => r.id),
    column: (name) => values.map((c) => c.get(name) ?? null),
    metricColumn: (name) => {
      const out = emptyMetricColumn(sorted.length);
      metrics.forEach((m, row) => {
        const cell = m.get(name);
        if (cell) out.set(cell, row * METRIC_WIDTH);
      });
      return out;
    },
    columnNames: () => [...new Set([...values.flatMap((c) => [...c.keys()]), ...metrics.flatMap((m) => [...m.keys()].map(metricColumn))])],
    record: (row) => sorted[row]!,
  };
}
