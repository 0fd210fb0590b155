/**
 * Notes trees without git. isomorphic-git reads and writes flat notes trees
 * only; git fans them out (`ab/cdef...`) once they grow. Reading here walks
 * any fanout. Writing follows git's rule (notes.c, determine_fanout) for a
 * tree whose notes are all loaded: notes sit in a 16-way trie on the hex
 * digits of the object name, and a subtree level is added below an even
 * depth when all 16 branches there hold two notes or more.
 */
import type { ObjectStore } from './objects.js';
import { commitHeader, parseTree, serializeTree } from './objects.js';

/** annotated object → note blob, for the notes commit `commit`. */
export async function readNotes(store: ObjectStore, commit: string): Promise<Map<string, string>> {
  const c = await store.read(commit);
  if (!c) throw new Error(`notes commit ${commit} is missing`);
  const out = new Map<string, string>();
  const walk = async (tree: string, prefix: string): Promise<void> => {
    const t = await store.read(tree);
    if (!t) throw new Error(`notes tree ${tree} is missing`);
    for (const e of parseTree(t.data)) {
      const name = prefix + e.name;
      if (e.mode === '40000' && /^[0-9a-f]{2}$/.test(e.name)) await walk(e.oid, name);
      else if (/^[0-9a-f]{40}$/.test(name)) out.set(name, e.oid);
    }
  };
  await walk(commitHeader(c.data).tree, '');
  return out;
}

/** Writes the tree of a notes map, fanned out as git fans out a fully loaded notes tree. */
export function writeNotesTree(store: ObjectStore, notes: ReadonlyMap<string, string>): string {
  const paths: Array<[string, string]> = [];
  place([...notes.keys()].sort(), 0, 0, paths);
  return writeNested(store, paths.map(([key, p]) => [p, notes.get(key)!]));
}

/** Appends [object, path] for each key under one trie node (`keys` share their first `depth` digits). */
function place(keys: readonly string[], depth: number, fanout: number, out: Array<[string, string]>): void {
  const branches = new Map<string, string[]>();
  for (const k of keys) {
    const digit = k[depth]!;
    const list = branches.get(digit) ?? [];
    list.push(k);
    branches.set(digit, list);
  }
  if (depth % 2 === 0 && depth <= 2 * fanout && branches.size === 16 && [...branches.values()].every((b) => b.length >= 2)) fanout++;
  for (const branch of branches.values()) {
    if (branch.length >= 2) place(branch, depth + 1, fanout, out);
    else out.push([branch[0]!, split(branch[0]!, fanout)]);
  }
}

function split(key: string, fanout: number): string {
  let p = '';
  for (let i = 0; i < fanout; i++) p += `${key.slice(2 * i, 2 * i + 2)}/`;
  return p + key.slice(2 * fanout);
}

/** Trees for '/'-separated paths of blobs; returns the root tree. */
function writeNested(store: ObjectStore, files: ReadonlyArray<[string, string]>): string {
  const here: Array<{ mode: string; name: string; oid: string }> = [];
  const dirs = new Map<string, Array<[string, string]>>();
  for (const [p, oid] of files) {
    const slash = p.indexOf('/');
    if (slash < 0) here.push({ mode: '100644', name: p, oid });
    else {
      const list = dirs.get(p.slice(0, slash)) ?? [];
      list.push([p.slice(slash + 1), oid]);
      dirs.set(p.slice(0, slash), list);
    }
  }
  for (const [name, list] of dirs) here.push({ mode: '40000', name, oid: writeNested(store, list) });
  return store.write('tree', serializeTree(here));
}
