/**
 * `--group-by KEY[,KEY] --agg 'mean(metrics.acc),std(metrics.acc),count'`:
 * one row per distinct combination of the keys, the way repeated seeds are
 * averaged.
 */
import { TmtError } from '../errors.js';
import { checkField, fieldValue, splitFields, type QueryRun } from './expr/index.js';
import { canonicalNumber } from '../run/note/values.js';
import { asNumber } from './expr/eval.js';
import { builtinField, isBuiltin } from './fields.js';
import { sortBy, type SortKey } from './sort.js';

export type AggFn = 'mean' | 'std' | 'min' | 'max' | 'sum' | 'median' | 'count';
export interface Agg {
  fn: AggFn;
  field?: string;
  label: string;
}

const FNS: readonly AggFn[] = ['mean', 'std', 'min', 'max', 'sum', 'median', 'count'];

export function parseAggs(spec: string): Agg[] {
  return splitFields(spec).map((s) => {
    if (s === 'count' || s === 'count()') return { fn: 'count', label: 'count' };
    const m = /^(\w+)\((.+)\)$/.exec(s);
    if (!m || !FNS.includes(m[1] as AggFn)) {
      throw new TmtError('BAD_ARGUMENT', `--agg: cannot read "${s}"`, { hint: `use ${FNS.filter((f) => f !== 'count').join('|')}(FIELD) or count, e.g. mean(metrics.acc),std(metrics.acc),count` });
    }
    checkField(m[2]!, '--agg');
    // Only numbers aggregate; text fields would give an empty column and no hint why.
    if (isBuiltin(m[2]!) && builtinField(m[2]).kind !== 'number') {
      throw new TmtError('BAD_ARGUMENT', `--agg: ${m[1]}() needs numbers, and ${m[2]} is text`, { hint: 'aggregate metrics.X, params.X or duration; count counts runs' });
    }
    return { fn: m[1] as AggFn, field: m[2]!, label: s };
  });
}

export interface Group {
  key: Record<string, unknown>;
  runs: QueryRun[];
  values: Record<string, number | null>;
}

/**
 * A run's group key. A numeric string counts as its number, as filters compare
 * it: lr "0.01" from a params file and lr 0.01 from argv are one group.
 */
export function groupKey(run: QueryRun, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, asGroupValue(fieldValue(run, k))]));
}

function asGroupValue(v: unknown): unknown {
  if (v === undefined) return null;
  // Only a string that is its number written plainly: seed "007" stays its own group, apart from 7.
  const n = typeof v === 'string' ? canonicalNumber(v) : undefined;
  return n !== undefined && Number.isFinite(n) ? n : v;
}

/** Groups in key order (numbers, then text, then runs without the key), each with its aggregates. */
export function groupRuns(runs: readonly QueryRun[], keys: readonly string[], aggs: readonly Agg[]): Group[] {
  for (const k of keys) checkField(k);
  const groups = new Map<string, Group>();
  for (const run of runs) {
    const key = groupKey(run, keys);
    const id = JSON.stringify(keys.map((k) => key[k]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, runs: [], values: {} }));
    g.runs.push(run);
  }
  for (const g of groups.values()) {
    for (const a of aggs) g.values[a.label] = aggregate(a, g.runs);
  }
  return sortGroups([...groups.values()], keys.map((field) => ({ field, descending: false })));
}

/**
 * `--sort` for groups: by keys and by aggregates, named as in --agg
 * (`mean(metrics.acc):desc,params.lr`). Groups without the value sort last.
 */
export function parseGroupSort(spec: string, keys: readonly string[], aggs: readonly Agg[]): SortKey[] {
  // `mean( metrics.acc )` in --sort names `mean(metrics.acc)` in --agg: spaces outside names do not count.
  const bare = (t: string) => t.replace(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '');
  const labelOf = new Map(aggs.map((a) => [bare(a.label), a.label]));
  const labels = new Set(aggs.map((a) => a.label));
  return splitFields(spec).map((part) => {
    const m = /^(.+?)(?::(asc|desc))?$/i.exec(part)!;
    const field = keys.includes(m[1]!.trim()) ? m[1]!.trim() : labelOf.get(bare(m[1]!));
    if (field === undefined) {
      throw new TmtError('BAD_ARGUMENT', `--sort: with --group-by, sort by a key or an --agg column, not "${m[1]}"`, {
        hint: `one of ${[...keys, ...labels].join(', ')}, e.g. --sort '${[...labels][0] ?? keys[0]}:desc'`,
      });
    }
    return { field, descending: m[2]?.toLowerCase() === 'desc' };
  });
}

export function sortGroups(groups: Group[], by: readonly SortKey[]): Group[] {
  return sortBy(groups, by, (g, field) => (Object.hasOwn(g.key, field) ? g.key[field] : g.values[field]));
}

function aggregate(a: Agg, runs: readonly QueryRun[]): number | null {
  if (a.fn === 'count') return runs.length;
  // Numeric strings count as their numbers, as --where and --sort read them. A run that
  // diverged (NaN) makes its group's aggregate NaN, as pandas with skipna=False: a mean
  // over the seeds that survived would make an unstable setting look best.
  const values = runs.map((r) => fieldValue(r, a.field!));
  if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) return NaN;
  const xs = values.map(asNumber).filter((v): v is number => v !== undefined);
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
