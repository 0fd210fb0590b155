/**
 * Run selectors, accepted wherever a run is named:
 *   <id prefix>   a unique prefix of a run id (git-style)
 *   last, last~N  the newest run, or the Nth before it
 *   NAME, NAME~N  the newest run with that name, or the Nth before it
 * A selector that fits more than one run, or none, is an error that lists
 * the candidates.
 */
import { TmtError } from '../errors.js';
import type { RunRecord } from './read.js';

/** Resolves one selector against runs sorted oldest first. */
export function selectRun(runs: readonly RunRecord[], selector: string): RunRecord {
  const m = /^(.*?)(?:~(\d+))?$/s.exec(selector.trim())!;
  const base = m[1]!;
  const back = m[2] === undefined ? 0 : Number(m[2]);
  if (!base) throw new TmtError('BAD_ARGUMENT', 'empty run selector', { hint: 'name a run by id prefix, name, or `last`' });

  if (base === 'last') return nth(runs, back, selector, runs);

  const byName = runs.filter((r) => r.meta?.name === base);
  const byId = m[2] === undefined && /^[0-9a-z]+$/.test(base) ? runs.filter((r) => r.id.startsWith(base)) : [];
  if (byName.length && byId.length) {
    throw ambiguous(selector, [...byId, byName[byName.length - 1]!], 'it is both a run name and an id prefix; use more of the id, or NAME~0');
  }
  if (byName.length) return nth(byName, back, selector, byName);
  if (byId.length === 1) return byId[0]!;
  if (byId.length > 1) throw ambiguous(selector, byId, 'type more characters of the id');
  throw new TmtError('NOT_FOUND', `no run matches "${selector}"`, {
    hint: runs.length ? `recent runs: ${describe(runs.slice(-5).reverse())}` : 'no runs yet: record one with `tmt record -- <command>`',
  });
}

function nth(candidates: readonly RunRecord[], back: number, selector: string, pool: readonly RunRecord[]): RunRecord {
  const run = candidates[candidates.length - 1 - back];
  if (!run) {
    throw new TmtError('NOT_FOUND', `no run matches "${selector}": only ${pool.length} run${pool.length === 1 ? '' : 's'} to go back through`, {
      hint: pool.length ? `the oldest is ${selector.split('~')[0]}~${pool.length - 1}` : 'no runs yet',
    });
  }
  return run;
}

function ambiguous(selector: string, runs: readonly RunRecord[], why: string): TmtError {
  return new TmtError('BAD_ARGUMENT', `"${selector}" is ambiguous: ${why}`, {
    hint: `candidates: ${describe([...runs].reverse().slice(0, 8))}${runs.length > 8 ? `, and ${runs.length - 8} more` : ''}`,
    data: { candidates: runs.map((r) => r.id) },
  });
}

function describe(runs: readonly RunRecord[]): string {
  return runs.map((r) => `${r.id.slice(0, 12)}${r.meta?.name ? ` (${r.meta.name})` : ''}`).join(', ');
}
