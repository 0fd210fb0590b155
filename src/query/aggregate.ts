/**
 * `--group-by KEY[,KEY] --agg 'mean(metrics.acc),std(metrics.acc),count'`:
 * one row per distinct combination of the keys, the way repeated seeds are
 * averaged.
 */
import { TmtError } from '../errors.js';
import { checkField, fieldValue, type QueryRun } from './expr/index.js';

export type AggFn = 'mean' | 'std' | 'min' | 'max' | 'sum' | 'median' | 'count';
export interface Agg {
  fn: AggFn;
  field?: string;
  label: string;
}

const FNS: readonly AggFn[] = ['mean', 'std', 'min', 'max', 'sum', 'median', 'count'];

export function parseAggs(spec: string): Agg[] {
  return spec
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'count' || s === 'count()') return { fn: 'count', label: 'count' };
      const m = /^(\w+)\((.+)\)$/.exec(s);
      if (!m || !FNS.includes(m[1] as AggFn)) {
        throw new TmtError('BAD_ARGUMENT', `--agg: cannot read "${s}"`, { hint: `use ${FNS.filter((f) => f !== 'count').join('|')}(FIELD) or count, e.g. mean(metrics.acc),std(metrics.acc),count` });
      }
      checkField(m[2]!, '--agg');
      return { fn: m[1] as AggFn, field: m[2]!, label: s };
    });
}

export interface Group {
  key: Record<string, unknown>;
  runs: QueryRun[];
  values: Record<string, number | null>;
}

export function groupRuns(runs: readonly QueryRun[], keys: readonly string[], aggs: readonly Agg[]): Group[] {
  for (const k of keys) checkField(k);
  const groups = new Map<string, Group>();
  for (const run of runs) {
    const key = Object.fromEntries(keys.map((k) => [k, fieldValue(run, k) ?? null]));
    const id = JSON.stringify(keys.map((k) => key[k]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, runs: [], values: {} }));
    g.runs.push(run);
  }
  for (const g of groups.values()) {
    for (const a of aggs) g.values[a.label] = aggregate(a, g.runs);
  }
  return [...groups.values()];
}

function aggregate(a: Agg, runs: readonly QueryRun[]): number | null {
  if (a.fn === 'count') return runs.length;
  const xs = runs.map((r) => fieldValue(r, a.field!)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  const sum = xs.reduce((s, x) => s + x, 0);
  const mean = sum / xs.length;
  switch (a.fn) {
    case 'sum':
      return sum;
    case 'mean':
      return mean;
    case 'min':
      return Math.min(...xs);
    case 'max':
      return Math.max(...xs);
    case 'median': {
      const s = [...xs].sort((p, q) => p - q);
      const mid = s.length >> 1;
      return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    }
    case 'std':
      // Sample standard deviation, as pandas' .std() gives; one run has none.
      return xs.length < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  }
}
