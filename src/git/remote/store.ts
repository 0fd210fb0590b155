/**
 * The local side of sharing, through native git: a few batched processes per
 * question (one `for-each-ref`, one `cat-file --batch`, one `diff-tree`).
 */
import { git } from '../exec.js';
import { RUNS_PREFIX } from '../layout.js';
import { diffNotes, readBlobs, writeNotesCommit, type NoteChange, type NoteWrite } from '../notes.js';
import { commitIdentityEnv, readObjects } from '../objects.js';
import { listRefs, tryUpdateRefs, type RefConflict, type RefUpdate } from '../refs.js';
import type { Repo } from '../repo.js';
import { mergeNotesCommits } from './notes-merge.js';
import type { LocalStore } from './types.js';

export function gitStore(repo: Repo): LocalStore {
  return {
    repo,
    native: true,
    async runRefs(): Promise<Map<string, string>> {
      return new Map((await listRefs(repo, RUNS_PREFIX)).map((r) => [r.ref.slice(RUNS_PREFIX.length), r.oid]));
    },
    readRefs: (refs: readonly string[]) => readRefs(repo, refs),
    commitParents: (commits: readonly string[]) => commitParents(repo, commits),
    async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
      const { code } = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: repo.workTree, okCodes: [1] });
      return code === 0;
    },
    async mergeBase(a: string, b: string): Promise<string | undefined> {
      const { stdout, code } = await git(['merge-base', a, b], { cwd: repo.workTree, okCodes: [1] });
      return code === 0 ? stdout.toString('utf8').trim() : undefined;
    },
    notesDiff: (from: string | undefined, to: string): Promise<NoteChange[]> => diffNotes(repo, from, to),
    readTexts: (blobs: readonly string[]) => readBlobs(repo, blobs),
    async notesCommit(base: string | undefined, edits: readonly NoteWrite[]): Promise<string | undefined> {
      return writeNotesCommit(repo, base, edits, await commitIdentityEnv(repo));
    },
    notesMerge: (local: string, remote: string, edits: readonly NoteWrite[], message: string, timeMs: number) =>
      mergeNotesCommits(repo, local, remote, edits, message, timeMs / 1000),
    updateRefs: (updates: readonly RefUpdate[], message: string): Promise<RefConflict | undefined> => tryUpdateRefs(repo, updates, message),
    async missingObjects(commit: string): Promise<string[]> {
      const { stdout, code } = await git(['rev-list', '--objects', '--missing=print', '--no-object-names', commit], { cwd: repo.workTree, okCodes: [128] });
      if (code !== 0) return [commit]; // the run commit itself cannot be read
      return stdout.toString('utf8').split('\n').filter((l) => l.startsWith('?')).slice(0, 5).map((l) => l.slice(1));
    },
  };
}

/** Values of exactly these refs, in one process (for-each-ref patterns match whole components). */
export async function readRefs(repo: Repo, refs: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)', ...refs], { cwd: repo.workTree });
  const wanted = new Set(refs);
  const out = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const ref = line.slice(41);
    if (wanted.has(ref)) out.set(ref, line.slice(0, 40));
  }
  return out;
}

/** Parents of commits read in one `git cat-file --batch`; missing objects are left out. */
async function commitParents(repo: Repo, commits: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [oid, o] of await readObjects(repo, commits)) {
    if (o.type !== 'commit') continue;
    const text = o.data.toString('latin1');
    out.set(oid, [...text.slice(0, text.indexOf('\n\n')).matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!));
  }
  return out;
}
