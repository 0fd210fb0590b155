import { RUNS_PREFIX } from '../git/layout.js';
import { readAllNotes, type StoredNote } from '../git/notes.js';
import { listRefs } from '../git/refs.js';
import type { Repo } from '../git/repo.js';
import { loadYamlParser, MetaParseError, parseMeta, type RunMeta } from './metadata.js';

export interface RunRecord {
  id: string;
  commit: string;
  /** Parsed metadata; undefined when the note is missing or unreadable (see `problem`). */
  meta: RunMeta | undefined;
  /** The note's blob id, for compare-and-swap on later edits (null: no note). */
  noteBlob: string | null;
  problem?: string;
}

/** Every run in the repository, oldest first (run ids sort by time). */
export async function readRuns(repo: Repo): Promise<RunRecord[]> {
  const [refs, notes, parse] = await Promise.all([listRefs(repo, RUNS_PREFIX), readAllNotes(repo), loadYamlParser()]);
  return refs
    .map(({ ref, oid }) => toRecord(ref.slice(RUNS_PREFIX.length), oid, notes.get(oid), parse))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function toRecord(id: string, commit: string, note: StoredNote | undefined, parse: (text: string) => unknown): RunRecord {
  if (note === undefined) return { id, commit, meta: undefined, noteBlob: null, problem: 'no note (metadata missing)' };
  try {
    return { id, commit, meta: parseMeta(note.text, parse), noteBlob: note.blob };
  } catch (err) {
    if (err instanceof MetaParseError) return { id, commit, meta: undefined, noteBlob: note.blob, problem: `unreadable note: ${err.message}` };
    throw err;
  }
}
