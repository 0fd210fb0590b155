/**
 * The runs sharing works on: the catalog's where git is installed, else read
 * through the store (isomorphic-git). Picking among them is query/pick.ts's.
 */
import { NOTES_REF } from '../git/layout.js';
import { MetaParseError } from '../run/note/metadata.js';
import { readRuns, type RunRecord } from '../run/read/read.js';
import { RUN_ID_PATTERN } from '../run/note/id.js';
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
