/**
 * Files of the working tree, one path at a time, for putting a tree in place
 * (`tmt apply`) and taking it back: what is on disk at a path, git's hash of
 * it (with the user's filters, or of its raw bytes), writing entries of a tree
 * the way `git checkout` writes them, writing saved raw bytes back exactly,
 * and removing files and the directories that removing them emptied.
 *
 * Writing a tree goes through git: a scratch index (never the user's) holds
 * the tree, and `git checkout-index` writes the chosen paths with the
 * attributes, filters (autocrlf, LFS), modes and symlinks git would use.
 * Paths are raw (one Latin-1 character per byte, see tree-diff.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { streamObjects } from './cat-file.js';
import { git } from './exec.js';
import type { Repo } from './repo.js';
import { newScratchIndex, SCRATCH_INDEX_CONFIG } from './scratch-index.js';
import type { RawPath } from './tree-diff.js';
import { stdinPath } from './tree-writer.js';

/** The absolute path of `raw` in the working tree, as bytes (names need not be UTF-8). */
export function onDisk(repo: Repo, raw: RawPath): Buffer {
  return Buffer.concat([Buffer.from(`${repo.workTree}/`), Buffer.from(raw, 'latin1')]);
}

export type DiskKind = 'none' | 'dir' | 'file' | 'symlink' | 'other';

/** What is at `raw` (never following a symlink). */
export function kindOnDisk(repo: Repo, raw: RawPath): DiskKind {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(onDisk(repo, raw), { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
  if (!st) return 'none'; // nothing there, or a file where a parent directory would be
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
}

/** Everything under the directory `raw` that is not a directory (files, symlinks), recursively, as raw paths. */
export function filesUnder(repo: Repo, raw: RawPath): RawPath[] {
  const out: RawPath[] = [];
  const walk = (dir: RawPath) => {
    for (const e of fs.readdirSync(onDisk(repo, dir), { withFileTypes: true, encoding: 'buffer' })) {
      const child = `${dir}/${e.name.toString('latin1')}`;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk(raw);
  return out;
}

/** git's blob id of `data`, as `git hash-object` would give it without filters. */
export function blobId(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/**
 * git's blob id of each regular file: with the user's filters (what `git add`
 * would store), or of its raw bytes and written into the object store
 * (`raw`: what the file holds, to write back byte for byte).
 */
export async function hashFiles(repo: Repo, paths: readonly RawPath[], opts: { raw: boolean }): Promise<string[]> {
  if (paths.length === 0) return [];
  const args = ['hash-object', ...(opts.raw ? ['-w', '--no-filters'] : []), '--stdin-paths'];
  const { stdout } = await git(args, { cwd: repo.workTree, input: Buffer.concat(paths.map((p) => stdinPath(Buffer.from(p, 'latin1')))) });
  return stdout.toString('utf8').trim().split('\n');
}

/** The blob id a symlink's target would have in git. */
export function symlinkBlobId(repo: Repo, raw: RawPath): string {
  return blobId(fs.readlinkSync(onDisk(repo, raw), { encoding: 'buffer' }));
}

/** Permission bits of a file (what a restore puts back; git itself keeps only the executable bit). */
export function permissionsOf(repo: Repo, raw: RawPath): number | undefined {
  const st = fs.lstatSync(onDisk(repo, raw), { throwIfNoEntry: false });
  return st === undefined ? undefined : st.mode & 0o7777;
}

/**
 * A tree loaded into a scratch index, ready to write any of its paths into
 * the working tree. Loading it is also git's check of its paths: a tree that
 * holds `.git/...` or `..` is refused here, before anything is written.
 */
export interface TreeIndex {
  /** Writes these paths of the tree into the working tree, replacing what is there (git's checkout-index -f). */
  checkout(paths: readonly RawPath[]): Promise<void>;
  close(): void;
}

export async function openTreeIndex(repo: Repo, tree: string): Promise<TreeIndex> {
  const { env, close } = newScratchIndex(repo);
  try {
    await git([...SCRATCH_INDEX_CONFIG, 'read-tree', '--end-of-options', tree], { cwd: repo.workTree, env });
  } catch (err) {
    close();
    throw err;
  }
  return {
    async checkout(paths) {
      if (paths.length === 0) return;
      const input = Buffer.concat(paths.map((p) => Buffer.concat([Buffer.from(p, 'latin1'), Buffer.from([0])])));
      await git([...SCRATCH_INDEX_CONFIG, 'checkout-index', '-f', '-z', '--stdin'], { cwd: repo.workTree, env, input });
    },
    close,
  };
}

export interface RawFile {
  path: RawPath;
  /** Blob holding the file's exact bytes. */
  oid: string;
  /** Permission bits to set; undefined: 0666 or 0777 (executable) less the umask, as git writes files. */
  permissions?: number;
  executable: boolean;
}

/** Writes saved bytes back exactly, no filters applied, replacing a file or symlink in the way; parent directories are made. */
export async function writeRawFiles(repo: Repo, files: readonly RawFile[]): Promise<void> {
  await streamObjects(repo, files.map((f) => f.oid), (i, data) => {
    const f = files[i]!;
    if (!data) throw new Error(`blob ${f.oid} for ${f.path} is missing`);
    const file = onDisk(repo, f.path);
    fs.mkdirSync(onDisk(repo, parentOf(f.path)), { recursive: true });
    if (kindOnDisk(repo, f.path) !== 'none') fs.rmSync(file);
    fs.writeFileSync(file, data, { mode: f.executable ? 0o777 : 0o666 });
    if (f.permissions !== undefined) fs.chmodSync(file, f.permissions);
  });
}

/** Removes a file or symlink (never a directory, never what a symlink points to); one already gone is fine. */
export function removeFile(repo: Repo, raw: RawPath): void {
  if (kindOnDisk(repo, raw) === 'dir') return;
  fs.rmSync(onDisk(repo, raw), { force: true });
}

/** Removes `dir` and the directories under it, which must hold no files; false (and nothing removed past that) if one does. */
export function removeEmptyTree(repo: Repo, dir: RawPath): boolean {
  const file = onDisk(repo, dir);
  for (const e of fs.readdirSync(file, { withFileTypes: true, encoding: 'buffer' })) {
    if (!e.isDirectory() || !removeEmptyTree(repo, `${dir}/${e.name.toString('latin1')}`)) return false;
  }
  fs.rmdirSync(file);
  return true;
}

/**
 * Removes the parent directories of `raw` that are now empty, innermost
 * first, up to the top of the working tree; `may` says which ones it may
 * remove (a directory that was there before should stay, empty or not).
 */
export function pruneEmptyParents(repo: Repo, raw: RawPath, may: (dir: RawPath) => boolean = () => true): void {
  for (let dir = parentOf(raw); dir !== ''; dir = parentOf(dir)) {
    if (!may(dir) || kindOnDisk(repo, dir) !== 'dir' || fs.readdirSync(onDisk(repo, dir)).length > 0) return;
    fs.rmdirSync(onDisk(repo, dir));
  }
}

/** `a/b/c` → `a/b`; a top-level name → ''. */
export function parentOf(raw: RawPath): RawPath {
  const slash = raw.lastIndexOf('/');
  return slash < 0 ? '' : raw.slice(0, slash);
}
