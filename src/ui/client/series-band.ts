/**
 * A group's runs' series folded into one mean curve with its sample standard
 * deviation at every step. Runs are aligned by linear interpolation over the
 * steps they all span, not by the steps they all logged: the server thins a
 * long series to each bucket's extremes, so two runs of the same length keep
 * different steps, and intersecting them would leave almost nothing.
 */
import type { SeriesColumns } from '../../compare/series.js';
import { spread } from './stats.js';

export interface Band {
  steps: number[];
  mean: number[];
  /** Empty when the group has one run: there is no spread to draw. */
  std: number[];
  runs: number;
}

/** Points a band keeps (the chart is a few hundred pixels wide). */
const MAX_STEPS = 1000;

/** Undefined when the runs share no range of steps (or none has a point). */
export function band(series: ReadonlyArray<SeriesColumns | null | undefined>): Band | undefined {
  const runs = series.filter((r): r is SeriesColumns => !!r && r.steps.length > 0);
  if (runs.length === 0) return undefined;
  const lo = Math.max(...runs.map((r) => r.steps[0]!));
  const hi = Math.min(...runs.map((r) => r.steps[r.steps.length - 1]!));
  if (lo > hi) return undefined;
  let steps = [...new Set(runs.flatMap((r) => r.steps.filter((x) => x >= lo && x <= hi)))].sort((a, b) => a - b);
  if (steps.length > MAX_STEPS) steps = steps.filter((_, i) => i % Math.ceil(steps.length / MAX_STEPS) === 0 || i === steps.length - 1);
  const at = runs.map((r) => interpolate(r, steps));
  const folded = steps.map((_, k) => spread(at.map((values) => values[k]!))!);
  return { steps, mean: folded.map((f) => f.mean), std: runs.length > 1 ? folded.map((f) => f.std!) : [], runs: runs.length };
}

/** The series' value at each of `steps` (sorted, inside its range): straight lines between its points. */
function interpolate(r: SeriesColumns, steps: readonly number[]): number[] {
  let j = 0;
  return steps.map((x) => {
    while (j + 1 < r.steps.length && r.steps[j + 1]! <= x) j++;
    const x0 = r.steps[j]!;
    if (x0 === x || j + 1 >= r.steps.length) return r.values[j]!;
    const x1 = r.steps[j + 1]!;
    return r.values[j]! + ((x - x0) / (x1 - x0)) * (r.values[j + 1]! - r.values[j]!);
  });
}
