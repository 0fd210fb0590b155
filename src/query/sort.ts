import { TmtError } from '../errors.js';
import { checkField, fieldValue, type QueryRun } from './expr/index.js';

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

/** Sorts by the keys in order; runs missing a key sort last whatever the direction. */
export function sortRuns(runs: QueryRun[], keys: readonly SortKey[]): QueryRun[] {
  const decorated = runs.map((run) => ({ run, values: keys.map((k) => fieldValue(run, k.field)) }));
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
      const c = compareValues(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
  return decorated.map((d) => d.run);
}

export function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const sx = typeof x === 'string' ? x : JSON.stringify(x);
  const sy = typeof y === 'string' ? y : JSON.stringify(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}
