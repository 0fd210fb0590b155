/**
 * Run selectors, accepted wherever a run is named:
 *   <id prefix>   a unique prefix of a run id (git-style)
 *   last, last~N  the newest run, or the Nth before it
 *   NAME, NAME~N  the newest run with that name, or the Nth before it
 * A selector that fits more than one run, or none, is an error that lists
 * the candidates.
 */
import { TmtError } from '../../errors.js';
import type { RunRecord } from './read.js';
import type { RunSource } from '../catalog/run-source.js';

interface Candidate {
  id: string;
  name: string | undefined;
}

/** Resolves one selector against runs sorted oldest first. */
export function selectRun(runs: readonly RunRecord[], selector: string): RunRecord {
  const found = pick(runs.map((r) => ({ id: r.id, name: r.meta?.name })), selector);
  return runs[found]!;
}

/** Resolves one selector to a row of a source (ids oldest first). */
export function selectRow(source: RunSource, selector: string): number {
  const names = source.column('name') as ReadonlyArray<string | null>;
  return pick(source.ids.map((id, row) => ({ id, name: names[row] ?? undefined })), selector);
}

function pick(runs: readonly Candidate[], selector: string): number {
  const m = /^(.*?)(?:~(\d+))?$/s.exec(selector.trim())!;
  const base = m[1]!;
  const back = m[2] === undefined ? 0 : Number(m[2]);
  if (!base) throw new TmtError('BAD_ARGUMENT', 'empty run selector', { hint: 'name a run by id prefix, name, or `last`' });

  const all = runs.map((_, i) => i);
  if (base === 'last') return nth(runs, all, back, selector);

  const byName = all.filter((i) => runs[i]!.name === base);
  const byId = m[2] === undefined && /^[0-9a-z]+$/.test(base) ? all.filter((i) => runs[i]!.id.startsWith(base)) : [];
  if (byName.length && byId.length) {
    throw ambiguous(runs, selector, [...byId, byName[byName.length - 1]!], 'it is both a run name and an id prefix; use more of the id, or NAME~0');
  }
  if (byName.length) return nth(runs, byName, back, selector);
  if (byId.length === 1) return byId[0]!;
  if (byId.length > 1) throw ambiguous(runs, selector, byId, 'type more characters of the id');
  throw new TmtError('NOT_FOUND', `no run matches "${selector}"`, {
    hint: runs.length ? `recent runs: ${describe(runs, all.slice(-5).reverse())}` : 'no runs yet: record one with `tmt record -- <command>`',
  });
}

function nth(runs: readonly Candidate[], pool: readonly number[], back: number, selector: string): number {
  const found = pool[pool.length - 1 - back];
  if (found === undefined) {
    throw new TmtError('NOT_FOUND', `no run matches "${selector}": only ${pool.length} run${pool.length === 1 ? '' : 's'} to go back through`, {
      hint: pool.length ? `the oldest is ${selector.split('~')[0]}~${pool.length - 1}` : 'no runs yet',
    });
  }
  return found;
}

function ambiguous(runs: readonly Candidate[], selector: string, found: readonly number[], why: string): TmtError {
  return new TmtError('BAD_ARGUMENT', `"${selector}" is ambiguous: ${why}`, {
    hint: `candidates: ${describe(runs, [...found].reverse().slice(0, 8))}${found.length > 8 ? `, and ${found.length - 8} more` : ''}`,
    data: { candidates: found.map((i) => runs[i]!.id) },
  });
}

function describe(runs: readonly Candidate[], rows: readonly number[]): string {
  return rows.map((i) => `${runs[i]!.id.slice(0, 12)}${runs[i]!.name ? ` (${runs[i]!.name})` : ''}`).join(', ');
}
