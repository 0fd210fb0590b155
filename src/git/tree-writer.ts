/**
 * Builds a tree from files on disk and blobs given in memory, through a
 * throwaway index: `git hash-object --stdin-paths` streams every file (large
 * logs and artifacts never pass through tmt's memory), `update-index
 * --index-info` places them, and `write-tree` writes the nested trees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { git, gitStream } from './exec.js';
import { decodeBytes } from './names.js';
import { writeBlob } from './objects.js';
import type { Repo } from './repo.js';

/** A path in a tree: text (stored as UTF-8), or the exact bytes of a name that may not be UTF-8. */
export type TreePath = string | Buffer;

const NUL = Buffer.from([0]);

export type TreeSource = { path: TreePath; file: string | Buffer } | { path: TreePath; data: string | Buffer } | { path: TreePath; blob: string };

/** The bytes git stores for `p`. */
export function pathBytes(p: TreePath): Buffer {
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}

/** Writes the tree and returns its id. `path`s are '/'-separated and relative. */
export async function writeTreeFrom(repo: Repo, sources: readonly TreeSource[]): Promise<string> {
  const fromFiles = sources.filter((s): s is { path: TreePath; file: string | Buffer } => 'file' in s);
  const fileOids = fromFiles.length
    ? (
        await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
          cwd: repo.workTree,
          input: Buffer.concat(fromFiles.map((s) => stdinPath(pathBytes(s.file)))),
        })
      ).stdout
        .toString('utf8')
        .trim()
        .split('\n')
    : [];
  const entries: Buffer[] = [];
  let f = 0;
  for (const s of sources) {
    const oid = 'file' in s ? fileOids[f++]! : 'blob' in s ? s.blob : await writeBlob(repo, s.data);
    entries.push(Buffer.from(`100644 ${oid}\t`), pathBytes(s.path), NUL);
  }
  const index = path.join(os.tmpdir(), `tmt-tree-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const env = { GIT_INDEX_FILE: index };
    await git(['update-index', '--add', '-z', '--index-info'], { cwd: repo.workTree, env, input: Buffer.concat(entries) });
    return (await git(['write-tree'], { cwd: repo.workTree, env })).stdout.toString('utf8').trim();
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/**
 * One line of `hash-object --stdin-paths`, which reads a line that starts with
 * a double quote as a C-quoted name. Quoting every name keeps any byte
 * (a newline, a trailing CR, a leading quote) the name's own.
 */
export function stdinPath(name: Buffer): Buffer {
  const out: number[] = [0x22];
  for (const b of name) {
    if (b === 0x22 || b === 0x5c) out.push(0x5c, b);
    else if (b < 0x20 || b === 0x7f) out.push(0x5c, ...Buffer.from(b.toString(8).padStart(3, '0')));
    else out.push(b);
  }
  out.push(0x22, 0x0a);
  return Buffer.from(out);
}

/**
 * Reads a blob at `<rev>:<path>`; undefined when it does not exist. With
 * `maxBytes`, only its first `maxBytes` (git is stopped there): for a blob
 * another clone may have made as large as it liked.
 */
export async function readBlobAt(repo: Repo, rev: string, file: string, maxBytes?: number): Promise<Buffer | undefined> {
  const args = ['cat-file', 'blob', '--end-of-options', `${rev}:${file}`];
  if (maxBytes === undefined) {
    const { stdout, code } = await git(args, { cwd: repo.workTree, okCodes: [128] });
    return code === 0 ? stdout : undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const enough = new Error('enough');
  try {
    const { code } = await gitStream(args, { cwd: repo.workTree, okCodes: [128] }, (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) throw enough; // stops git
    });
    if (code !== 0) return undefined;
  } catch (err) {
    if (err !== enough) throw err;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

export interface TreeEntry {
  /** The path as text: UTF-8, or read as Latin-1 when its bytes are not UTF-8 (see `utf8`). */
  path: string;
  /** The path's exact bytes, to write it again or to tell two names apart. */
  bytes: Buffer;
  /** False when the name is not UTF-8 and `path` is its Latin-1 reading. */
  utf8: boolean;
  /** As git stores it: 100644, 100755 (executable), 120000 (a symbolic link), 160000 (a submodule's commit). */
  mode: string;
  /** What the mode says the entry is: blob or commit (ls-tree does not look at the object). */
  type: string;
  oid: string;
  /** Bytes; 0 for a submodule's commit. */
  size: number;
}

/** Files under `<rev>:<dir>` recursively, with sizes. */
export async function listTree(repo: Repo, rev: string, dir: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-l', '-z', '--end-of-options', rev, ...(dir ? ['--', dir] : [])];
  const { stdout, code } = await git(args, { cwd: repo.workTree, okCodes: [128] });
  if (code !== 0) return [];
  const entries: TreeEntry[] = [];
  for (let at = 0; at < stdout.length; ) {
    const nul = stdout.indexOf(0, at);
    const record = stdout.subarray(at, nul < 0 ? stdout.length : nul);
    at = nul < 0 ? stdout.length : nul + 1;
    // "<mode> <type> <oid> <size>\t<name>": the name runs to the NUL and may itself hold tabs.
    const tab = record.indexOf(9);
    if (tab < 0) continue;
    const [mode = '', type = '', oid = '', size = '0'] = record.subarray(0, tab).toString('latin1').split(/\s+/);
    const bytes = record.subarray(tab + 1);
    const { text, utf8 } = decodeBytes(bytes);
    entries.push({ path: text, bytes, utf8, mode, type, oid, size: Number(size) || 0 });
  }
  return entries;
}
