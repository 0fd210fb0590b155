/**
 * The one place sharing reads and selects runs (readRuns, selectRun and the
 * query layer's --where), so those call sites are easy to retarget.
 */
import { isTmtError, TmtError } from '../errors.js';
import { NOTES_REF } from '../git/layout.js';
import { listRunsWithQuery } from '../query/list.js';
import { MetaParseError } from '../run/note/metadata.js';
import { readRuns, type RunRecord } from '../run/read/read.js';
import { RUN_ID_PATTERN } from '../run/note/id.js';
import { selectRun } from '../run/read/select.js';
import { parseNote } from './note-index.js';
import type { LocalStore } from './types.js';

/** Every local run, oldest first. Without git, read through the store. */
export async function loadRuns(store: LocalStore): Promise<RunRecord[]> {
  if (store.native) return readRuns(store.repo);
  const [refs, tips] = await Promise.all([store.runRefs(), store.readRefs([NOTES_REF])]);
  const tip = tips.get(NOTES_REF);
  const notes = new Map(tip ? (await store.notesDiff(undefined, tip)).map((c) => [c.object, c.after!]) : []);
  const texts = await store.readTexts([...new Set(notes.values())]);
  const out: RunRecord[] = [];
  for (const [id, commit] of refs) {
    if (!RUN_ID_PATTERN.test(id)) continue; // not a run, as the catalog has it
    const blob = notes.get(commit) ?? null;
    const text = blob ? texts.get(blob) : undefined;
    if (text === undefined) {
      out.push({ id, commit, meta: undefined, noteBlob: blob, problem: 'no note (metadata missing)' });
      continue;
    }
    try {
      out.push({ id, commit, meta: await parseNote(text), noteBlob: blob });
    } catch (err) {
      if (!(err instanceof MetaParseError)) throw err;
      out.push({ id, commit, meta: undefined, noteBlob: blob, problem: `unreadable note: ${err.message}` });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Selectors resolved against the runs here: the ids of those that name a run
 * (`pinned`), and those that name none (`deferred`, for a remote's runs).
 * An ambiguous selector is still an error.
 */
export function resolveHere(runs: readonly RunRecord[], selectors: readonly string[]): { pinned: string[]; deferred: string[] } {
  const pinned = new Set<string>();
  const deferred: string[] = [];
  for (const s of selectors) {
    try {
      pinned.add(selectRun(runs, s).id);
    } catch (err) {
      if (!isTmtError(err, 'NOT_FOUND')) throw err;
      deferred.push(s);
    }
  }
  return { pinned: [...pinned], deferred };
}

/** Runs named by selectors and/or matching a --where expression (both: either); duplicates once. */
export function pickRuns(runs: readonly RunRecord[], selectors: readonly string[], where: string | undefined, nowMs: number): RunRecord[] {
  const picked = new Map<string, RunRecord>();
  for (const s of selectors) {
    const r = selectRun(runs, s);
    picked.set(r.id, r);
  }
  if (where !== undefined) for (const r of matchWhere(runs, where, nowMs)) picked.set(r.id, r);
  if (picked.size === 0 && where !== undefined) {
    throw new TmtError('NOT_FOUND', `no run matches --where ${JSON.stringify(where)}`, { hint: 'check the expression with tmt list --where ...' });
  }
  return [...picked.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The runs a --where expression matches (possibly none). */
export function matchWhere(runs: readonly RunRecord[], where: string, nowMs: number): RunRecord[] {
  if (runs.length === 0) return [];
  const byId = new Map(runs.map((r) => [r.id, r]));
  return listRunsWithQuery(runs, { where, nowMs }).map((l) => byId.get(l.row.id)!);
}
