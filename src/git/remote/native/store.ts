/**
 * The local side of sharing, through native git: a few batched processes per
 * question (one `for-each-ref`, one `cat-file --batch`, one `diff-tree`).
 */
import { git } from '../../exec.js';
import { NOTES_REF, RUNS_PREFIX, TRACKING_NOTES_PREFIX } from '../../layout.js';
import type { NoteWrite } from '../../notes.js';
import { diffNotes, type NoteChange } from '../../notes-diff.js';
import { commitIdentityEnv } from '../../objects.js';
import { objectInfo, readBlobs, readObjects, readTypedObjects } from '../../cat-file.js';
import { MAX_ATTRIBUTES_BYTES, parseLfsAttributes } from '../../lfs-attributes.js';
import { readBlobHead } from '../../blob-stream.js';
import { listRefs, tryUpdateRefs, type RefConflict, type RefUpdate } from '../../refs.js';
import type { Repo } from '../../repo.js';
import type { LocalStore } from '../types.js';

// Notes code is loaded when a merge needs it, not for every push.
const notes = () => import('../../notes.js');

/**
 * `primed`: refs/notes/tmt and every tracking notes ref, read while the
 * repository was being opened; the first question about them is answered
 * from it (one process fewer on every push), later ones from git.
 */
export function gitStore(repo: Repo, primed?: Map<string, string>): LocalStore {
  return {
    repo,
    native: true,
    async runRefs(): Promise<Map<string, string>> {
      return new Map((await listRefs(repo, RUNS_PREFIX)).map((r) => [r.ref.slice(RUNS_PREFIX.length), r.oid]));
    },
    async readRefs(refs: readonly string[], opts?: { fresh?: boolean }): Promise<Map<string, string>> {
      const known = primed;
      primed = undefined;
      if (known && !opts?.fresh && refs.every((r) => r === NOTES_REF || r.startsWith(TRACKING_NOTES_PREFIX))) {
        return new Map(refs.flatMap((r) => (known.has(r) ? [[r, known.get(r)!] as [string, string]] : [])));
      }
      return readRefs(repo.workTree, refs);
    },
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
      return (await notes()).writeNotesCommit(repo, base, edits, await commitIdentityEnv(repo));
    },
    notesMerge: async (local: string, remote: string, edits: readonly NoteWrite[], message: string, timeMs: number) =>
      (await import('./notes-merge.js')).mergeNotesCommits(repo, local, remote, edits, message, timeMs / 1000),
    updateRefs: (updates: readonly RefUpdate[], message: string): Promise<RefConflict | undefined> => tryUpdateRefs(repo, updates, message),
    async outputsWithLfs(outputs: readonly string[]): Promise<Set<string>> {
      const spec = (o: string) => `${o}:.gitattributes`;
      const found = await objectInfo(repo, outputs.map(spec));
      const small = [...found.values()].filter((i) => i.size <= MAX_ATTRIBUTES_BYTES).map((i) => i.oid);
      const texts = await readObjects(repo, [...new Set(small)]);
      const out = new Set<string>();
      for (const o of outputs) {
        const info = found.get(spec(o));
        if (!info) continue;
        // A file larger than tmt writes is read up to that size, as everywhere else.
        const text = info.size <= MAX_ATTRIBUTES_BYTES ? texts.get(info.oid) : await readBlobHead(repo, o, '.gitattributes', MAX_ATTRIBUTES_BYTES);
        if (text && parseLfsAttributes(text).size > 0) out.add(o);
      }
      return out;
    },
    async missingObjects(commit: string): Promise<string[]> {
      const { stdout, code } = await git(['rev-list', '--objects', '--missing=print', '--no-object-names', commit], { cwd: repo.workTree, okCodes: [128] });
      if (code !== 0) return [commit]; // the run commit itself cannot be read
      return stdout.toString('utf8').split('\n').filter((l) => l.startsWith('?')).slice(0, 5).map((l) => l.slice(1));
    },
  };
}

/** Values of exactly these refs (or every ref under those ending in '/'), in one process. */
export async function readRefs(cwd: string, refs: readonly string[]): Promise<Map<string, string>> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)', ...refs], { cwd });
  const wanted = new Set(refs);
  const out = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const ref = line.slice(41);
    if (wanted.has(ref) || refs.some((r) => r.endsWith('/') && ref.startsWith(r))) out.set(ref, line.slice(0, 40));
  }
  return out;
}

/** Parents of commits read in one `git cat-file --batch`; missing objects are left out. */
async function commitParents(repo: Repo, commits: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [oid, o] of await readTypedObjects(repo, commits)) {
    if (o.type !== 'commit') continue;
    const text = o.data.toString('latin1');
    out.set(oid, [...text.slice(0, text.indexOf('\n\n')).matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!));
  }
  return out;
}
