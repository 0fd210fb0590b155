/** Runs' params as the views read them: plain values, which of them vary, and how to order them. */
import type { UiRow } from '../api.js';

export type ParamValue = string | number | boolean | null;

/** A param's value as a view shows it: objects as their JSON, a missing param as null. */
export function paramValue(r: UiRow, key: string): ParamValue {
  const v = Object.hasOwn(r.params, key) ? r.params[key] : undefined;
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number | boolean;
}

/** Params, in first-seen order, whose value is not the same in every run (missing counts as a value). */
export function varyingParams(rows: readonly UiRow[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  return [...keys].filter((k) => new Set(rows.map((r) => JSON.stringify(paramValue(r, k)))).size > 1);
}

/** Numbers by value, then everything else by its text; missing last. */
export function compareValues(a: ParamValue, b: ParamValue): number {
  if (a === null || b === null) return (a === null ? 1 : 0) - (b === null ? 1 : 0);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** How a value reads in a label or cell. */
export function showValue(v: ParamValue): string {
  return v === null ? '—' : String(v);
}

/** Metric names over the runs, sorted, at most `limit`. */
export function metricNames(rows: readonly UiRow[], limit = 12): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) names.add(k);
  return [...names].sort().slice(0, limit);
}
