/**
 * `tmt best`: the best run, or the best per group, by a metric's last value
 * or, with a window, by the mean of the last part of its series (so one lucky
 * final step does not win).
 */
import { TmtError } from '../errors.js';
import type { MetricPoint } from '../run/record/metrics.js';
import { groupKey } from './aggregate.js';
import type { QueryRun } from './expr/index.js';
import { sortBy } from './sort.js';

export type Direction = 'max' | 'min';
export type Window = { kind: 'percent'; n: number } | { kind: 'count'; n: number };

/** Words that make a metric better when smaller, unless the user says otherwise. */
const LOWER_IS_BETTER = new Set([
  'loss', 'losses', 'error', 'errors', 'err', 'mse', 'mae', 'rmse', 'mape', 'perplexity', 'ppl', 'wer', 'cer',
  'nll', 'bpb', 'bpc', 'bpd', 'fid', 'regret', 'cost', 'time', 'latency',
]);

/**
 * `val/loss`, `train.loss`, `valLoss` and `eval-perplexity` are all losses: the
 * name is split into words at any separator (`/` as Lightning, W&B and
 * TensorBoard write them) and at camelCase humps, and any loss-like word counts.
 */
export function defaultDirection(metric: string): Direction {
  // valLoss → val Loss; MSELoss → MSE Loss.
  const words = metric.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => LOWER_IS_BETTER.has(w)) ? 'min' : 'max';
}

export function parseWindow(spec: string): Window {
  const m = /^last:(\d+(?:\.\d+)?)(%?)$/.exec(spec.trim());
  const n = m ? Number(m[1]) : NaN;
  // A count of points is whole; a share may be 2.5%.
  if (!m || !(n > 0) || (m[2] && n > 100) || (!m[2] && !Number.isInteger(n))) {
    throw new TmtError('BAD_ARGUMENT', `--window: cannot read "${spec}"`, { hint: 'last:10% (the last tenth of each series) or last:50 (the last 50 points)' });
  }
  return m[2] ? { kind: 'percent', n } : { kind: 'count', n };
}

/** Mean of the last part of a series, in step order. */
export function windowScore(points: readonly MetricPoint[], w: Window): number | undefined {
  if (points.length === 0) return undefined;
  const sorted = [...points].sort((a, b) => a.step - b.step);
  const take = w.kind === 'count' ? Math.min(w.n, sorted.length) : Math.max(1, Math.ceil((sorted.length * w.n) / 100));
  const tail = sorted.slice(-take);
  return tail.reduce((s, p) => s + p.value, 0) / tail.length;
}

export interface Scored {
  run: QueryRun;
  score: number;
  group?: Record<string, unknown>;
}

/**
 * The best run per group (one group when `groupBy` is empty). `series` gives
 * each run's points for the metric when a window is used. A run scored NaN or
 * ±Infinity (it diverged, or its window holds such a point) never wins; the
 * caller is told how many were left out.
 */
export function pickBest(
  runs: readonly QueryRun[],
  opts: { metric: string; direction: Direction; window?: Window; groupBy?: readonly string[]; series?: Map<string, MetricPoint[]> },
): { picked: Scored[]; diverged: number } {
  const name = opts.metric.replace(/^metrics\./, '');
  const best = new Map<string, Scored>();
  let diverged = 0;
  for (const run of runs) {
    const last = Object.hasOwn(run.metrics, name) ? run.metrics[name]!.last : undefined;
    // A run with final values only (tmt save -m) has no series: its last value is all there is.
    const score = opts.window ? (windowScore(opts.series?.get(run.id) ?? [], opts.window) ?? last) : last;
    if (score === undefined) continue;
    if (!Number.isFinite(score)) {
      diverged++;
      continue;
    }
    const group = opts.groupBy?.length ? groupKey(run, opts.groupBy) : undefined;
    const key = JSON.stringify(group ?? null);
    const current = best.get(key);
    if (!current || (opts.direction === 'max' ? score > current.score : score < current.score)) best.set(key, { run, score, group });
  }
  const groups = [...best.values()];
  const picked = opts.groupBy?.length ? sortBy(groups, opts.groupBy.map((field) => ({ field, descending: false })), (b, field) => b.group![field]) : groups;
  return { picked, diverged };
}
