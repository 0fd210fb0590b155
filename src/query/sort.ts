import { TmtError } from '../errors.js';
import { checkField, fieldValue, type QueryRun } from './expr/index.js';
import { parseNumber } from './expr/lexer.js';

export interface SortKey {
  field: string;
  descending: boolean;
}

/** Parses `--sort metrics.acc:desc,name` (direction defaults to ascending). */
export function parseSort(spec: string): SortKey[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(.+?)(?::(asc|desc))?$/i.exec(part)!;
      const field = m[1]!;
      if (/:/.test(field)) {
        throw new TmtError('BAD_ARGUMENT', `--sort: "${part}" should be FIELD or FIELD:asc or FIELD:desc`, { hint: '--sort metrics.acc:desc,name' });
      }
      checkField(field, '--sort');
      return { field, descending: m[2]?.toLowerCase() === 'desc' };
    });
}

/**
 * Sorts by the keys in order. Numbers (numeric strings included, as filters
 * read them) come first, then other text, then anything else, whatever the
 * direction: a stray "fast" among learning rates never tops a descending sort.
 * Runs missing a key sort last.
 */
export function sortRuns(runs: QueryRun[], keys: readonly SortKey[]): QueryRun[] {
  return sortBy(runs, keys, fieldValue);
}

/** Sorts items by the keys, reading each key's value with `value` (see sortRuns for the order). */
export function sortBy<T>(items: readonly T[], keys: readonly SortKey[], value: (item: T, field: string) => unknown): T[] {
  const decorated = items.map((run) => ({ run, values: keys.map((k) => value(run, k.field)) }));
  decorated.sort((a, b) => {
    for (const [i, k] of keys.entries()) {
      const x = a.values[i];
      const y = b.values[i];
      const missingX = x === undefined || x === null;
      const missingY = y === undefined || y === null;
      if (missingX || missingY) {
        if (missingX && missingY) continue;
        return missingX ? 1 : -1;
      }
      const [kx, vx] = sortable(x);
      const [ky, vy] = sortable(y);
      if (kx !== ky) return kx - ky;
      const c = vx < vy ? -1 : vx > vy ? 1 : 0;
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
  return decorated.map((d) => d.run);
}

/** A value's class (0 number, 1 text, 2 other) and what it sorts by within it. */
function sortable(v: unknown): [number, number | string] {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : undefined;
  if (n !== undefined && !Number.isNaN(n)) return [0, n];
  if (typeof v === 'string') return [1, v];
  return [2, JSON.stringify(v)];
}
