/**
 * How runs are named wherever they are shown side by side (page legends and
 * headers, diff headings, titles, terminal tables), by one rule: the run's
 * name; with the shortest id prefix (8 or more) that tells it from the others
 * when that name repeats among them; the id prefix alone when it has none.
 */
import { shortIds } from '../query/list.js';

/** One label per run, in order; `runs` are the runs shown together. */
export function runLabels(runs: ReadonlyArray<{ id: string; name?: string }>): string[] {
  const short = shortIds([...new Set(runs.map((r) => r.id))]);
  return runs.map((r) => {
    const id = short.get(r.id)!;
    if (!r.name) return id;
    return runs.filter((o) => o.name === r.name).length > 1 ? `${r.name} (${id})` : r.name;
  });
}

/** The old side of a single run's diff: the commit it was recorded on. */
export function baseLabel(base: string | undefined): string {
  return base ? `base ${base.slice(0, 12)}` : 'empty tree (no commits yet)';
}
