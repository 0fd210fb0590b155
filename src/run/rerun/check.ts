/**
 * `tmt rerun --check`: did the rerun reproduce the run? Each final metric
 * value (the last one logged) of the original is compared with the rerun's,
 * within |a - b| <= atol + rtol * |a| (numpy's isclose, with exact equality
 * by default). NaN matches NaN and an infinity matches itself: a run that
 * diverged the same way twice did reproduce. A metric on one side only
 * never matches.
 */
import type { RunMeta } from '../note/metadata.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface MetricVerdict {
  name: string;
  original: number | undefined;
  rerun: number | undefined;
  /** |rerun - original|, when both are numbers. */
  diff: number | undefined;
  /** The largest difference the tolerance allows here. */
  allowed: number | undefined;
  ok: boolean;
}

export interface CheckResult {
  ok: boolean;
  metrics: MetricVerdict[];
}

export function checkMetrics(original: Pick<RunMeta, 'metrics'>, rerun: Pick<RunMeta, 'metrics'>, tol: Tolerance): CheckResult {
  const names = [...new Set([...Object.keys(original.metrics), ...Object.keys(rerun.metrics)])].sort();
  const metrics = names.map((name): MetricVerdict => {
    const a = Object.hasOwn(original.metrics, name) ? original.metrics[name]!.last : undefined;
    const b = Object.hasOwn(rerun.metrics, name) ? rerun.metrics[name]!.last : undefined;
    if (a === undefined || b === undefined) return { name, original: a, rerun: b, diff: undefined, allowed: undefined, ok: false };
    const allowed = tol.atol + tol.rtol * Math.abs(a);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return { name, original: a, rerun: b, diff: undefined, allowed, ok: Object.is(a, b) };
    const diff = Math.abs(b - a);
    return { name, original: a, rerun: b, diff, allowed, ok: diff <= allowed };
  });
  return { ok: metrics.every((m) => m.ok), metrics };
}
