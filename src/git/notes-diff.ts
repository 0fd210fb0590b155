/** Comparing notes commits, in a module of its own: a push loads it, and not the rest of notes.ts. */
import { git } from './exec.js';
import type { Repo } from './repo.js';

/** One note that differs between two notes commits (blob ids; null: no note on that side). */
export interface NoteChange {
  object: string;
  before: string | null;
  after: string | null;
}

/** The empty tree: git knows its id without storing it. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * The notes that differ between two notes commits (`from` undefined: every
 * note of `to`), in time proportional to the changes: note paths are object
 * names split by fanout (ab/cdef...), so removing the slashes gives the
 * annotated object, whatever fanout either side used.
 */
export async function diffNotes(repo: Repo, from: string | undefined, to: string): Promise<NoteChange[]> {
  const { stdout } = await git(['diff-tree', '-r', '-z', '--no-renames', from ?? EMPTY_TREE, to], { cwd: repo.workTree });
  const parts = stdout.toString('latin1').split('\0');
  // When git re-fans a tree, a note moves (ab/cdef... added, abcdef... deleted):
  // both halves are one change of that object, not an addition and a removal.
  const byObject = new Map<string, NoteChange>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i]!.split(' '); // :oldmode newmode oldsha newsha status
    const object = parts[i + 1]!.replace(/\//g, '');
    if (!/^[0-9a-f]{40}$/.test(object)) continue; // not a note (git keeps other files in notes trees)
    const c = byObject.get(object) ?? { object, before: null, after: null };
    if (meta[4] !== 'A') c.before = meta[2]!;
    if (meta[4] !== 'D') c.after = meta[3]!;
    byObject.set(object, c);
  }
  return [...byObject.values()].filter((c) => c.before !== c.after);
}
