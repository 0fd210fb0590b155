/**
 * A sweep's results, one row per combination of params: the repeats folded
 * into the mean, standard deviation and count of a metric's final value over
 * their finished runs, best first, as a grid search is judged.
 */
import type { Direction } from '../query/direction-names.js';
import type { SweepProgress } from './progress.js';
import type { Scalar, SweepSpec } from './spec.js';

export interface SummaryRow {
  combination: number;
  /** The combination's params (without the seed that repeat sets). */
  params: Record<string, Scalar>;
  mean?: number;
  /** Sample standard deviation (n - 1); undefined below two values. */
  std?: number;
  /** Finished runs with a finite value of the metric. */
  count: number;
  /** Trials of the combination (its repeats). */
  trials: number;
  /** The runs counted, one per trial (its newest finished run). */
  runs: string[];
}

export interface SweepSummary {
  metric: string;
  direction: Direction;
  /** Best first; combinations with no value last, in combination order. */
  rows: SummaryRow[];
  best?: SummaryRow;
  /** Finished runs without the metric, and with it NaN or infinite: not counted. */
  withoutMetric: number;
  diverged: number;
}

export function summarize(spec: SweepSpec, progress: SweepProgress, metric: string, direction: Direction): SweepSummary {
  const rows = new Map<number, SummaryRow & { values: number[] }>();
  let withoutMetric = 0;
  let diverged = 0;
  for (const p of progress.trials) {
    const { trial } = p;
    let row = rows.get(trial.combination);
    if (!row) {
      const params = Object.fromEntries(trial.params.filter(([k]) => !(spec.seeded && k === 'seed')));
      rows.set(trial.combination, (row = { combination: trial.combination, params, count: 0, trials: 0, runs: [], values: [] }));
    }
    row.trials++;
    if (!p.finished) continue;
    const v = Object.hasOwn(p.finished.metrics, metric) ? p.finished.metrics[metric]!.last : undefined;
    if (v === undefined) withoutMetric++;
    else if (!Number.isFinite(v)) diverged++;
    else {
      row.values.push(v);
      row.runs.push(p.finished.id);
    }
  }
  const out: SummaryRow[] = [...rows.values()].map(({ values, ...row }) => ({ ...row, count: values.length, ...stats(values) }));
  const sign = direction === 'max' ? -1 : 1;
  out.sort((a, b) => (a.mean === undefined ? (b.mean === undefined ? a.combination - b.combination : 1) : b.mean === undefined ? -1 : sign * (a.mean - b.mean) || a.combination - b.combination));
  return { metric, direction, rows: out, best: out[0]?.mean !== undefined ? out[0] : undefined, withoutMetric, diverged };
}

function stats(values: readonly number[]): { mean?: number; std?: number } {
  if (values.length === 0) return {};
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length < 2) return { mean };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** The metrics the sweep's finished runs have, sorted: what --summary may rank by. */
export function sweepMetrics(progress: SweepProgress): string[] {
  const names = new Set<string>();
  for (const p of progress.trials) for (const k of Object.keys(p.finished?.metrics ?? {})) names.add(k);
  return [...names].sort();
}
