/**
 * The local side of sharing where git is not installed (LocalStore in
 * src/sync/types.ts): refs through the lockfile protocol (refs.ts),
 * objects read by isomorphic-git and written here (objects.ts), notes trees
 * read and written with git's fanout (notes-tree.ts). Notes merges are
 * three-way by object; tmt's run-by-run resolutions come in as `edits`.
 */
import fs from 'node:fs';
import { RUNS_PREFIX } from '../../layout.js';
import type { NoteChange, NoteWrite } from '../../notes.js';
import type { RefUpdate } from '../../refs.js';
import type { Repo } from '../../repo.js';
import type { LocalStore } from '../types.js';
import { commitHeader, parseTree, type ObjectStore } from './objects.js';
import { parseLfsAttributes } from '../../lfs-attributes.js';
import { readNotes, writeNotesTree } from './notes-tree.js';
import { listRefs, readRef, updateRefs } from './refs.js';

type Iso = typeof import('isomorphic-git');

export function noGitStore(iso: Iso, repo: Repo, objects: ObjectStore, who: { name: string; email: string }): LocalStore {
  const notesOf = (tip: string | undefined) => (tip ? readNotes(objects, tip) : Promise.resolve(new Map<string, string>()));

  async function writeNotes(notes: Map<string, string>, parents: readonly string[], message: string, timeMs: number): Promise<string> {
    const tree = writeNotesTree(objects, notes);
    const stamp = `${who.name} <${who.email}> ${Math.floor(timeMs / 1000)} +0000`;
    const text = `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join('')}author ${stamp}\ncommitter ${stamp}\n\n${message}`;
    return objects.write('commit', Buffer.from(text));
  }

  function apply(notes: Map<string, string>, edits: readonly NoteWrite[]): void {
    for (const e of edits) {
      if (e.text === null) notes.delete(e.object);
      else notes.set(e.object, objects.write('blob', Buffer.from(e.text)));
    }
  }

  return {
    repo,
    native: false,
    async runRefs(): Promise<Map<string, string>> {
      return new Map([...listRefs(repo.commonDir, RUNS_PREFIX)].map(([ref, oid]) => [ref.slice(RUNS_PREFIX.length), oid]));
    },
    async readRefs(refs: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const r of refs) {
        const oid = readRef(repo.commonDir, r);
        if (oid) out.set(r, oid);
      }
      return out;
    },
    async commitParents(commits: readonly string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const c of commits) {
        const o = await objects.read(c);
        if (o?.type === 'commit') out.set(c, commitHeader(o.data).parents);
      }
      return out;
    },
    async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
      if (ancestor === descendant) return true;
      return iso.isDescendent({ fs: fs, gitdir: repo.commonDir, oid: descendant, ancestor, depth: -1 });
    },
    async mergeBase(a: string, b: string): Promise<string | undefined> {
      const bases = await iso.findMergeBase({ fs: fs, gitdir: repo.commonDir, oids: [a, b] });
      return bases[0];
    },
    async notesDiff(from: string | undefined, to: string): Promise<NoteChange[]> {
      const [before, after] = await Promise.all([notesOf(from), notesOf(to)]);
      const out: NoteChange[] = [];
      for (const [object, blob] of after) if (before.get(object) !== blob) out.push({ object, before: before.get(object) ?? null, after: blob });
      for (const [object, blob] of before) if (!after.has(object)) out.push({ object, before: blob, after: null });
      return out;
    },
    async readTexts(blobs: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const b of blobs) {
        const o = await objects.read(b);
        if (o) out.set(b, o.data.toString('utf8'));
      }
      return out;
    },
    async notesCommit(base: string | undefined, edits: readonly NoteWrite[], message: string): Promise<string | undefined> {
      if (edits.length === 0) return base;
      const notes = await notesOf(base);
      apply(notes, edits);
      return writeNotes(notes, base ? [base] : [], message, Date.now());
    },
    async notesMerge(local: string, remote: string, edits: readonly NoteWrite[], message: string, timeMs: number): Promise<string> {
      const base = await this.mergeBase(local, remote);
      const [b, l, r] = await Promise.all([notesOf(base), notesOf(local), notesOf(remote)]);
      const merged = new Map<string, string>();
      for (const object of new Set([...l.keys(), ...r.keys()])) {
        const [lb, rb, bb] = [l.get(object), r.get(object), b.get(object)];
        // git notes merge -s ours: a change on one side wins over none; both changed: ours.
        const pick = lb === rb || rb === bb ? lb : lb === bb ? rb : lb;
        if (pick) merged.set(object, pick);
      }
      apply(merged, edits);
      return writeNotes(merged, [local, remote], message, timeMs);
    },
    async updateRefs(updates: readonly RefUpdate[]) {
      return updateRefs(repo.commonDir, updates);
    },
    async missingObjects(): Promise<string[]> {
      return [];
    },
    async outputsWithLfs(outputs: readonly string[]): Promise<Set<string>> {
      const out = new Set<string>();
      for (const o of outputs) {
        const commit = await objects.read(o);
        const tree = commit?.type === 'commit' ? await objects.read(commitHeader(commit.data).tree) : undefined;
        const entry = tree?.type === 'tree' ? parseTree(tree.data).find((e) => e.name === '.gitattributes') : undefined;
        const blob = entry ? await objects.read(entry.oid) : undefined;
        if (blob?.type === 'blob' && parseLfsAttributes(blob.data).size > 0) out.add(o);
      }
      return out;
    },
  };
}
