/**
 * Which notes commit a push publishes. Usually the local notes as they are.
 * Two cases need another commit, built on what the remote has:
 * - some runs only: the remote gets their notes, not the metadata of runs that
 *   stay here;
 * - a run deleted here with `tmt rm` (not --remote) that the remote still
 *   has: its note stays there, so the remote never holds a run without one.
 */
import type { LocalStore, NoteChange, NoteEdit } from './types.js';
import { parseNote } from './note-index.js';

/** `seen`: the remote's notes as last fetched; `ids` undefined: every run. */
export async function notesToPush(store: LocalStore, local: string, seen: string | undefined, ids: readonly string[] | undefined): Promise<string | undefined> {
  if (seen === local) return local;
  if (!seen && !ids) return local;
  const changes = await store.notesDiff(seen, local);
  const runs = await store.runRefs();
  const idOf = new Map([...runs].map(([id, commit]) => [commit, id]));
  const removed = changes.filter((c) => c.after === null);
  const removedIds = await idsOf(store, removed);
  if (!ids) {
    // Removals of notes whose run is gone here are taken back for the remote.
    const keep = removed.filter((c) => !runs.has(removedIds.get(c.object) ?? ''));
    return keep.length ? store.notesCommit(local, await restore(store, keep), 'Notes kept for runs still on the remote\n') : local;
  }
  const chosen = new Set(ids);
  const about = (c: NoteChange) => idOf.get(c.object) ?? removedIds.get(c.object);
  if (changes.every((c) => chosen.has(about(c) ?? ''))) return local;
  const picked = changes.filter((c) => chosen.has(about(c) ?? ''));
  if (picked.length === 0) return seen;
  const texts = await store.readTexts(picked.flatMap((c) => (c.after ? [c.after] : [])));
  const edits: NoteEdit[] = picked.map((c) => ({ object: c.object, text: c.after ? (texts.get(c.after) ?? null) : null }));
  return store.notesCommit(seen, edits, 'Notes of the runs pushed\n');
}

/** The run id in each removed note (read from the version that was removed). */
async function idsOf(store: LocalStore, removed: readonly NoteChange[]): Promise<Map<string, string>> {
  const texts = await store.readTexts(removed.map((c) => c.before!));
  const out = new Map<string, string>();
  for (const c of removed) {
    const text = texts.get(c.before!);
    if (text === undefined) continue;
    try {
      out.set(c.object, (await parseNote(text)).id);
    } catch {
      /* not a tmt note: it belongs to no run */
    }
  }
  return out;
}

async function restore(store: LocalStore, removed: readonly NoteChange[]): Promise<NoteEdit[]> {
  const texts = await store.readTexts(removed.map((c) => c.before!));
  return removed.flatMap((c) => (texts.has(c.before!) ? [{ object: c.object, text: texts.get(c.before!)! }] : []));
}
