/**
 * Placing param and metric values on an axis: numbers on a linear scale,
 * anything else (text, booleans, a param some runs lack) as evenly spaced
 * categories in value order. And the colour ramp the sweep views colour a
 * run by its metric with.
 */
import { niceTicks } from '../../html/client/chart-axes.js';
import { fmtTick } from '../../html/client/format.js';
import { compareValues, showValue, type ParamValue } from './params.js';

export interface Scale {
  numeric: boolean;
  /** Where a value sits, 0 (low end) to 1 (high end). */
  at(v: ParamValue): number;
  ticks: Array<{ at: number; label: string }>;
}

/** Distinct values a param's axis labels one by one (a grid's few values read better than round ticks between them). */
const MAX_EXACT = 8;

/** `exact`: label the values themselves when there are few (params), else round ticks (metrics). */
export function scaleOf(values: readonly ParamValue[], exact = false): Scale {
  if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const nums = values as number[];
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    // One value: the middle of the axis.
    const at = (v: ParamValue) => (hi === lo ? 0.5 : ((v as number) - lo) / (hi - lo));
    const distinct = [...new Set(nums)].sort((a, b) => a - b);
    const ticks = exact && distinct.length <= MAX_EXACT ? distinct : hi === lo ? [lo] : niceTicks(lo, hi, 4);
    return { numeric: true, at, ticks: ticks.map((t) => ({ at: at(t), label: exact ? String(t) : fmtTick(t) })) };
  }
  const cats = [...new Map(values.map((v) => [showValue(v), v])).values()].sort(compareValues).map(showValue);
  const at = (v: ParamValue) => (cats.length === 1 ? 0.5 : cats.indexOf(showValue(v)) / (cats.length - 1));
  return { numeric: false, at, ticks: cats.map((c) => ({ at: at(c), label: c })) };
}

/** Viridis, sampled: dark blue for the low end to yellow for the high end; readable on light and dark pages. */
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]] as const;

export function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i]!.map((a, k) => Math.round(a + f * (STOPS[i + 1]![k]! - a)));
  return `rgb(${c.join(',')})`;
}
