/**
 * How runs are named wherever they are shown side by side (page legends and
 * headers, diff headings, titles, terminal tables, listings), by one rule:
 * - a named run by its name, with the shortest id prefix (8 or more) that
 *   tells it apart when that name repeats among them;
 * - a run without a name by what sets it apart: the params whose values
 *   differ among the runs shown (`lr=0.1 seed=2`), at most MAX_KEYS of them,
 *   with the id prefix added when that still leaves two alike;
 * - the id prefix alone when nothing differs.
 */
import { shortIds } from '../query/list.js';
import { flattenParams, formatParam } from './params.js';

export interface Labelled {
  id: string;
  name?: string;
  params?: Record<string, unknown>;
}

/** Params named in an unnamed run's label; a sweep over more reads better as a table. */
const MAX_KEYS = 3;
/** A longer value is cut with "…": a label is a legend entry, not a record. */
const MAX_VALUE = 24;

/** What a label is made of, from a run and its note. */
export function labelled(r: { id: string; meta: { name?: string; params: Record<string, unknown> } }): Labelled {
  return { id: r.id, name: r.meta.name, params: r.meta.params };
}

/** One label per run, in order; `runs` are the runs shown together. */
export function runLabels(runs: readonly Labelled[]): string[] {
  const short = shortIds([...new Set(runs.map((r) => r.id))]);
  const byParams = paramLabels(runs);
  const labels = runs.map((r) => r.name ?? byParams.get(r.id) ?? short.get(r.id)!);
  return runs.map((r, i) => {
    const label = labels[i]!;
    const id = short.get(r.id)!;
    if (label === id) return id;
    return labels.some((l, j) => l === label && runs[j]!.id !== r.id) ? `${label} (${id})` : label;
  });
}

/** Runs without a name by the params that set them apart (`lr=0.1 seed=2`); none for a run where nothing does. */
export function paramLabels(runs: readonly Labelled[]): Map<string, string> {
  const unnamed = runs.filter((r) => !r.name);
  if (unnamed.length === 0) return new Map();
  const flat = new Map(runs.map((r) => [r.id, flattenParams(r.params ?? {})]));
  const differing = differingKeys([...flat.values()]).slice(0, MAX_KEYS);
  return new Map(unnamed.flatMap((r) => {
    const label = paramsLabel(flat.get(r.id)!, differing);
    return label ? [[r.id, label] as const] : [];
  }));
}

/** Keys whose values are not the same in every run (a key some runs lack counts as differing). */
function differingKeys(flat: ReadonlyArray<Map<string, unknown>>): string[] {
  if (flat.length < 2) return [];
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))];
  return keys.filter((k) => {
    const first = flat[0]!.has(k) ? formatParam(flat[0]!.get(k)) : undefined;
    return flat.some((f) => (f.has(k) ? formatParam(f.get(k)) : undefined) !== first);
  });
}

function paramsLabel(params: Map<string, unknown>, keys: readonly string[]): string {
  return keys
    .filter((k) => params.has(k))
    .map((k) => {
      const v = formatParam(params.get(k));
      return `${k}=${v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE - 1)}…` : v}`;
    })
    .join(' ');
}

/** The old side of a single run's diff: the commit it was recorded on. */
export function baseLabel(base: string | undefined): string {
  return base ? `base ${base.slice(0, 12)}` : 'empty tree (no commits yet)';
}
