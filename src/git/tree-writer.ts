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
import { git } from './exec.js';
import { writeBlob } from './objects.js';
import type { Repo } from './repo.js';

export type TreeSource = { path: string; file: string } | { path: string; data: string | Buffer } | { path: string; blob: string };

/** Writes the tree and returns its id. `path`s are '/'-separated and relative. */
export async function writeTreeFrom(repo: Repo, sources: readonly TreeSource[]): Promise<string> {
  const fromFiles = sources.filter((s): s is { path: string; file: string } => 'file' in s);
  const fileOids = fromFiles.length
    ? (
        await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], {
          cwd: repo.workTree,
          input: fromFiles.map((s) => s.file).join('\n') + '\n',
        })
      ).stdout
        .toString('utf8')
        .trim()
        .split('\n')
    : [];
  const lines: string[] = [];
  let f = 0;
  for (const s of sources) {
    const oid = 'file' in s ? fileOids[f++]! : 'blob' in s ? s.blob : await writeBlob(repo, s.data);
    lines.push(`100644 ${oid}\t${s.path}`);
  }
  const index = path.join(os.tmpdir(), `tmt-tree-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const env = { GIT_INDEX_FILE: index };
    await git(['update-index', '--add', '-z', '--index-info'], { cwd: repo.workTree, env, input: lines.join('\0') + '\0' });
    return (await git(['write-tree'], { cwd: repo.workTree, env })).stdout.toString('utf8').trim();
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/** Reads a blob at `<rev>:<path>`; undefined when it does not exist. */
export async function readBlobAt(repo: Repo, rev: string, file: string): Promise<Buffer | undefined> {
  const { stdout, code } = await git(['cat-file', 'blob', '--end-of-options', `${rev}:${file}`], { cwd: repo.workTree, okCodes: [128] });
  return code === 0 ? stdout : undefined;
}

export interface TreeEntry {
  path: string;
  oid: string;
  size: number;
}

/** Files under `<rev>:<dir>` recursively, with sizes. */
export async function listTree(repo: Repo, rev: string, dir: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-l', '-z', '--end-of-options', rev, ...(dir ? ['--', dir] : [])];
  const { stdout, code } = await git(args, { cwd: repo.workTree, okCodes: [128] });
  if (code !== 0) return [];
  return stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', p = ''] = line.split('\t');
      const [, , oid = '', size = '0'] = meta.split(/\s+/);
      return { path: p, oid, size: Number(size) };
    });
}
