/**
 * The runs a command acts on, named by selectors, a --where filter, or both.
 * Every command that takes several runs (diff, compare, push, rm) picks them
 * here, so a repeated run, a selector that names none and a filter that
 * matches none read the same everywhere. The result is the selectors' runs in
 * the order given, then the filter's, oldest first.
 */
import { isTmtError, TmtError } from '../errors.js';
import { describeRun } from '../run/note/id.js';
import { isRunSource, recordSource, type RunSource } from '../run/catalog/run-source.js';
import type { RunRecord } from '../run/read/read.js';
import { selectRow } from '../run/read/select.js';
import { selectRuns } from './list.js';

export interface PickOptions {
  selectors?: readonly string[];
  where?: string;
  /** At most this many runs from `where`: the newest that match. */
  limit?: number;
  nowMs: number;
  /** Two selectors naming one run: an error where each must be a different run (diff, compare), else that run once. */
  repeats?: 'error' | 'once';
  /** Added to the hint of the repeat error. */
  repeatHint?: string;
  /** A selector that names no run here: an error, or kept in `unmatched` for the caller to look for elsewhere (a remote). */
  unmatched?: 'error' | 'keep';
  /** A `where` that matches no run (and no selector either): an error, or simply nothing picked. */
  noMatch?: 'error' | 'empty';
}

export interface PickedRun {
  record: RunRecord;
  /** The selector that named it; undefined when only `where` picked it. */
  selector?: string;
}

export interface Picked {
  runs: PickedRun[];
  /** Selectors that named no run here (only with `unmatched: 'keep'`). */
  unmatched: string[];
}

export function pickRuns(from: RunSource | readonly RunRecord[], opts: PickOptions): Picked {
  const source = isRunSource(from) ? from : recordSource(from);
  const runs: PickedRun[] = [];
  const unmatched: string[] = [];
  const seen = new Map<string, string>();
  for (const selector of opts.selectors ?? []) {
    let row: number;
    try {
      row = selectRow(source, selector);
    } catch (err) {
      if (opts.unmatched !== 'keep' || !isTmtError(err, 'NOT_FOUND')) throw err;
      unmatched.push(selector);
      continue;
    }
    const record = source.record(row);
    const earlier = seen.get(record.id);
    if (earlier === undefined) {
      seen.set(record.id, selector);
      runs.push({ record, selector });
    } else if (opts.repeats === 'error') {
      throw new TmtError('BAD_ARGUMENT', `"${earlier}" and "${selector}" name the same run, ${describeRun(record)}`, {
        hint: `name different runs (e.g. NAME~1 and NAME)${opts.repeatHint ? `, ${opts.repeatHint}` : ''}`,
        data: { run: record.id },
      });
    }
  }
  if (opts.where !== undefined) {
    const { rows } = selectRuns(source, { where: opts.where, limit: opts.limit, nowMs: opts.nowMs });
    // Newest first from the query; a pick reads oldest first.
    for (const row of [...rows].reverse()) {
      const record = source.record(row);
      if (seen.has(record.id)) continue;
      seen.set(record.id, '--where');
      runs.push({ record });
    }
    if (runs.length === 0 && unmatched.length === 0 && opts.noMatch !== 'empty') {
      throw new TmtError('NOT_FOUND', `no run matches --where ${JSON.stringify(opts.where)}`, { hint: 'check the filter with tmt list --where ...' });
    }
  }
  return { runs, unmatched };
}
