/**
 * Every metric series of every run, read from the runs' outputs commits in
 * one git call, and thinned for drawing: a chart is a few hundred pixels
 * wide, so a million points become at most `maxPoints`, keeping each
 * bucket's lowest and highest point so peaks, dips and the best value survive.
 * NaN and ±Infinity are not drawn; they are counted instead.
 */
import { readObjects } from '../git/cat-file.js';
import type { Repo } from '../git/repo.js';
import { parseMetrics, type MetricPoint, type MetricSeries } from '../run/record/metrics.js';
import type { ResolvedRun } from './compared-runs.js';

/** A series as two columns (compact in JSON); `total` is the count before thinning. */
export interface SeriesColumns {
  steps: number[];
  values: number[];
  total: number;
  /** Points that are NaN or ±Infinity (a chart cannot draw those): how many, and the first. */
  nonFinite?: { count: number; step: number; value: string };
}

/** Run id → metric name → points, for runs that have outputs. */
export async function readRunSeries(repo: Repo, runs: readonly ResolvedRun[]): Promise<Map<string, MetricSeries>> {
  const specs = runs.filter((r) => r.meta.outputs).map((r) => ({ id: r.id, spec: `${r.meta.outputs}:metrics.jsonl` }));
  const blobs = await readObjects(repo, specs.map((s) => s.spec));
  const out = new Map<string, MetricSeries>();
  for (const { id, spec } of specs) {
    const blob = blobs.get(spec);
    if (blob) out.set(id, parseMetrics(blob.toString('utf8')).series);
  }
  return out;
}

/** Points in step order, at most about `maxPoints` of them, as columns. */
export function thin(points: readonly MetricPoint[], maxPoints: number): SeriesColumns {
  const sorted = [...points].filter((p) => Number.isFinite(p.value)).sort((a, b) => a.step - b.step);
  const kept = sorted.length <= maxPoints ? sorted : bucketExtremes(sorted, Math.max(1, Math.floor(maxPoints / 2)));
  const columns: SeriesColumns = { steps: kept.map((p) => p.step), values: kept.map((p) => p.value), total: sorted.length };
  let bad: MetricPoint | undefined;
  let count = 0;
  for (const p of points) {
    if (Number.isFinite(p.value)) continue;
    count++;
    if (!bad || p.step < bad.step) bad = p;
  }
  if (bad) columns.nonFinite = { count, step: bad.step, value: String(bad.value) };
  return columns;
}

function bucketExtremes(sorted: readonly MetricPoint[], buckets: number): MetricPoint[] {
  const out: MetricPoint[] = [];
  const size = sorted.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const slice = sorted.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let lo = slice[0]!;
    let hi = slice[0]!;
    for (const p of slice) {
      if (p.value < lo.value) lo = p;
      if (p.value > hi.value) hi = p;
    }
    out.push(...(lo === hi ? [lo] : lo.step <= hi.step ? [lo, hi] : [hi, lo]));
  }
  const last = sorted[sorted.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  if (out[0] !== sorted[0]) out.unshift(sorted[0]!);
  return out;
}
