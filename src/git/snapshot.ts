/**
 * Writes the working tree as a git tree object. The tree id equals what native
 * git gives for `cp .git/index T; GIT_INDEX_FILE=T git add -A; git write-tree`,
 * except for two documented differences: paths matched by the root
 * `.tmtignore`, and files larger than the size cap, are left out (and
 * reported, never silently). Git does the hashing, so ignore rules, filters
 * (LFS, autocrlf), modes and submodules match by construction.
 *
 * Steps: a scratch index (see stat-cache.ts); at the same time, on both
 * cores, `git ls-files -o` for new files (so that ones over the cap or
 * .tmtignore'd are kept out before git hashes them) and `git diff-files` for
 * tracked files that changed or vanished; `git update-index` with exactly
 * those paths, which is what `git add -A` would do, minus its second walk of
 * the working tree; a check that no file changed while git read it; a last
 * pass over the index for tracked files that are over the cap or
 * .tmtignore'd; `git write-tree`.
 *
 * Sparse checkout: paths outside the sparse definition that are on disk, new
 * or modified, are recorded, because the run may have used them. That is
 * `git add -A --sparse`; plain `git add -A` refuses them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { TmtError } from '../errors.js';
import { checkAttributes } from './attributes.js';
import { git, GitCommandError } from './exec.js';
import { changedSinceHashed } from './hash-check.js';
import { entrySize, IndexCursor, parseIndex, writeIndex, type IndexEntry } from './index-file.js';
import type { Repo } from './repo.js';
import { commitScratchIndex, discardScratchIndex, prepareScratchIndex, type ScratchIndex } from './stat-cache.js';
import { readUserFile, USER_FILE_CAP_MIB, UserFileError } from '../util/read-capped.js';

export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
const GITLINK = 0o160000;
/**
 * Every git process that may write the scratch index writes it whole and
 * checksummed, whatever the user's index settings: a split index would leave
 * `sharedindex.*` files in the user's git dir, and the cache's record is tied
 * to the index by its checksum.
 */
const INDEX_CONFIG = ['-c', 'core.splitIndex=false', '-c', 'index.skipHash=false'];
/** How many times a file is read before one that changes on every read is left out. */
const HASH_ATTEMPTS = 3;

export interface SnapshotOptions {
  repo: Repo;
  /** Hash every file instead of trusting the stat cache. */
  noCache?: boolean;
  /** Files larger than this (bytes) are left out. 0 disables the cap. */
  maxFileSize?: number;
  /** For timings; defaults to performance.now. */
  now?: () => number;
}

/** `changing`: the file changed every time git read it, so no whole version of it could be recorded. */
export type SkipReason = 'tmtignore' | 'too-large' | 'changing';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  size?: number;
}

export interface SnapshotResult {
  tree: string;
  /** The tree before .tmtignore and the size cap; equal to `tree` when nothing was left out. */
  fullTree: string;
  /** Entries in the tree (files, symlinks and gitlinks). */
  files: number;
  skipped: SkippedFile[];
  /** Untracked entries whose hashes came from tmt's stat cache. */
  cacheHits: number;
  ms: number;
}

/** Snapshot the working tree of `repo`; see the module comment for what is included. */
export async function snapshot(opts: SnapshotOptions): Promise<SnapshotResult> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const tmtIgnore = await loadTmtIgnore(opts.repo.workTree);
  const filters: Filters = { maxFileSize, hasTmtIgnore: tmtIgnore !== undefined, excluded: (p) => tmtIgnore?.ignores(p) ?? false };
  const noCache = opts.noCache ?? false;

  // A file can vanish between git's directory walk and its read; a retry sees
  // the settled state. Anything else fails at once.
  for (let attempt = 1; ; attempt++) {
    const scratch = await prepareScratchIndex({ repo: opts.repo, noCache, exclude: filters.excluded });
    try {
      const result = await snapshotWith(opts.repo, scratch, filters);
      try {
        commitScratchIndex(opts.repo, scratch);
      } catch {
        discardScratchIndex(scratch); // the cache only saves work: a full disk or a broken tmt/ folder means none
      }
      return { ...result, cacheHits: scratch.reused, ms: now() - started };
    } catch (err) {
      discardScratchIndex(scratch);
      if (attempt < 3 && err instanceof GitCommandError && isVanishedFile(err.stderr)) continue;
      throw classify(err);
    }
  }
}

interface Filters {
  maxFileSize: number;
  hasTmtIgnore: boolean;
  excluded: (relPath: string) => boolean;
}

type GitEnv = { cwd: string; env: Record<string, string> };

async function snapshotWith(repo: Repo, scratch: ScratchIndex, f: Filters): Promise<Omit<SnapshotResult, 'ms' | 'cacheHits'>> {
  const run: GitEnv = { cwd: repo.workTree, env: { GIT_INDEX_FILE: scratch.file } };
  const skipped: SkippedFile[] = [];

  const [untracked, changes] = await Promise.all([
    git([...INDEX_CONFIG, 'ls-files', '-z', '-o', '--exclude-standard'], run),
    git([...INDEX_CONFIG, 'diff-files', '-z', '--name-status', '--ignore-submodules=dirty'], run),
  ]);
  // Paths stay as git's bytes (one latin1 char a byte) on their way back to git;
  // names that are not UTF-8 must survive the round trip.
  const newFiles = splitZ(untracked.stdout);
  const root = Buffer.from(repo.workTree + path.sep);
  const keepOut = newFiles.filter((raw) => {
    const rel = Buffer.from(raw, 'latin1').toString('utf8');
    if (f.excluded(rel)) {
      skipped.push({ path: rel, reason: 'tmtignore' });
      return true;
    }
    const size = f.maxFileSize > 0 ? sizeOf(Buffer.concat([root, Buffer.from(raw, 'latin1')])) : undefined;
    if (size !== undefined && size > f.maxFileSize) {
      skipped.push({ path: rel, reason: 'too-large', size });
      return true;
    }
    return false;
  });
  const out = new Set(keepOut);
  // A nested repository is listed as `dir/`; git records it as a gitlink named `dir`.
  const added = newFiles.filter((p) => !out.has(p)).map((p) => (p.endsWith('/') ? p.slice(0, -1) : p));
  const { deleted, modified } = byStatus(changes.stdout);
  // A path git reports deleted may sit beyond a symlink that replaced its
  // directory (`data -> /scratch/data`); plain --remove refuses those. A lent
  // cache entry whose file changed goes too: git must hash it as the new
  // file it is, not in the light of the entry (stat-cache.ts).
  const changedLent = modified.filter(scratch.isLent);
  const removed = [...deleted, ...changedLent];
  if (removed.length > 0) await updateIndex(run, removed, ['--force-remove']);
  // A cached untracked file that grew past the cap is kept out like a new one, before git hashes it.
  const grown = new Set(changedLent.filter((raw) => {
    const size = f.maxFileSize > 0 ? sizeOf(Buffer.concat([root, Buffer.from(raw, 'latin1')])) : undefined;
    if (size === undefined || size <= f.maxFileSize) return false;
    skipped.push({ path: Buffer.from(raw, 'latin1').toString('utf8'), reason: 'too-large', size });
    return true;
  }));
  // Attributes before hashing: if they change later, the cache sees a difference.
  const unknown = added.filter((p) => !p.endsWith('/') && !scratch.attrs.has(p));
  for (const [p, a] of await checkAttributes(repo.workTree, unknown, run.env)) scratch.attrs.set(p, a);
  const hashed = [...modified.filter((p) => !grown.has(p)), ...added];
  const changing = await hashSteadily(repo.workTree, run, scratch.file, hashed);
  if (changing.length > 0) await updateIndex(run, changing, ['--force-remove']);
  for (const p of changing) skipped.push({ path: Buffer.from(p, 'latin1').toString('utf8'), reason: 'changing' });
  // Read before write-tree, which rewrites the index.
  const data = fs.existsSync(scratch.file) ? fs.readFileSync(scratch.file) : undefined;
  const fullTree = await writeTree(repo, scratch.file);
  // No index and nothing to add (a new repository with no files): git wrote the empty tree.
  if (!data) return { tree: fullTree, fullTree, files: 0, skipped: sortByPath(skipped) };
  const quick = quickScan(data, f.maxFileSize);
  if (quick && !quick.oversize && !f.hasTmtIgnore) {
    return { tree: fullTree, fullTree, files: quick.count, skipped: sortByPath(skipped) };
  }
  const entries = parseIndex(data).entries;
  const kept = entries.filter((e) => {
    const rel = e.path.toString('utf8');
    if (f.excluded(rel)) {
      skipped.push({ path: rel, reason: 'tmtignore' });
      return false;
    }
    if (f.maxFileSize > 0 && modeOf(e) !== GITLINK && entrySize(e) > f.maxFileSize) {
      skipped.push({ path: rel, reason: 'too-large', size: entrySize(e) });
      return false;
    }
    return true;
  });
  if (kept.length === entries.length) return { tree: fullTree, fullTree, files: kept.length, skipped: sortByPath(skipped) };
  const filtered = scratch.file + '.filtered';
  try {
    fs.writeFileSync(filtered, writeIndex(kept));
    const tree = await writeTree(repo, filtered);
    return { tree, fullTree, files: kept.length, skipped: sortByPath(skipped) };
  } finally {
    fs.rmSync(filtered, { force: true });
  }
}

/** Runs `git update-index FLAGS` on exactly these paths (the flags say what to do with each). */
async function updateIndex(run: GitEnv, paths: readonly string[], flags: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await git([...INDEX_CONFIG, 'update-index', ...flags, '-z', '--stdin'], {
    ...run,
    input: Buffer.from(paths.join('\0') + '\0', 'latin1'),
  });
}

const ADD = ['--add', '--remove', '--replace'];

/**
 * Hashes `paths` into the scratch index so that each blob is a version its
 * file really had: a file whose stat data moved while git read it is read
 * again. Returns the paths that changed on every one of HASH_ATTEMPTS reads:
 * their entries may mix two versions, so the caller leaves them out.
 */
async function hashSteadily(workTree: string, run: GitEnv, indexFile: string, paths: readonly string[]): Promise<string[]> {
  let todo = [...paths];
  for (let read = 1; todo.length > 0; read++) {
    const refused = await addRefusing(run, todo);
    const changed = fs.existsSync(indexFile) ? changedSinceHashed(workTree, fs.readFileSync(indexFile), todo) : [];
    todo = [...new Set([...refused, ...changed])];
    if (read === HASH_ATTEMPTS) break;
  }
  return todo;
}

/**
 * `update-index --add` of `paths`; git refuses a whole batch when one file
 * changes between its hash and its write ("unstable object source data").
 * Halving finds that file; the paths it returns were refused and not added.
 */
async function addRefusing(run: GitEnv, paths: readonly string[]): Promise<string[]> {
  try {
    await updateIndex(run, paths, ADD);
    return [];
  } catch (err) {
    if (!(err instanceof GitCommandError && /unstable object source data/.test(err.stderr))) throw err;
    if (paths.length === 1) return [...paths];
    const mid = paths.length >>> 1;
    return [...(await addRefusing(run, paths.slice(0, mid))), ...(await addRefusing(run, paths.slice(mid)))];
  }
}

async function writeTree(repo: Repo, indexFile: string): Promise<string> {
  const { stdout } = await git([...INDEX_CONFIG, 'write-tree'], { cwd: repo.workTree, env: { GIT_INDEX_FILE: indexFile } });
  return stdout.toString('utf8').trim();
}

/** `diff-files --name-status -z` output split into deleted paths and the rest (modified, type changed, unmerged). */
function byStatus(out: Buffer): { deleted: string[]; modified: string[] } {
  const parts = splitZ(out);
  const deleted: string[] = [];
  const modified: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) (parts[i] === 'D' ? deleted : modified).push(parts[i + 1]!);
  return { deleted, modified };
}

/** Entry count and whether any non-gitlink entry is over the cap, without allocating per entry. */
function quickScan(data: Buffer, maxFileSize: number): { count: number; oversize: boolean } | undefined {
  const c = IndexCursor.open(data);
  if (!c) return undefined;
  let oversize = false;
  while (c.next()) {
    if (maxFileSize > 0 && c.buf.readUInt32BE(c.at + 36) > maxFileSize && c.mode() !== GITLINK) oversize = true;
  }
  return { count: c.count, oversize };
}

/** One report per path (a file can be seen both before and after the add), sorted. */
function sortByPath(skipped: SkippedFile[]): SkippedFile[] {
  const unique = new Map(skipped.map((s) => [s.path, s]));
  return [...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function loadTmtIgnore(workTree: string): Promise<Ignore | undefined> {
  let text: string;
  try {
    text = readUserFile(path.join(workTree, '.tmtignore')).toString('utf8');
  } catch (err) {
    if (err instanceof UserFileError) throw new TmtError('UNREADABLE_FILE', `.tmtignore ${err.message}`, { hint: `.tmtignore is a file of patterns, as .gitignore is, of at most ${USER_FILE_CAP_MIB} MiB` });
    return undefined; // no .tmtignore (or unreadable): nothing extra to leave out
  }
  const { default: ignore } = await import('ignore'); // only repos with a .tmtignore pay for loading it
  return ignore({ allowRelativePaths: true }).add(text);
}

function sizeOf(file: Buffer): number | undefined {
  try {
    const st = fs.lstatSync(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined; // gone already; git will not see it either
  }
}

function modeOf(e: IndexEntry): number {
  return e.head.readUInt32BE(24);
}

/** NUL-separated paths, as latin1 strings: one char per byte, so nothing is lost. */
function splitZ(buf: Buffer): string[] {
  return buf.toString('latin1').split('\0').filter(Boolean);
}

function isVanishedFile(stderr: string): boolean {
  return /unable to stat|No such file or directory|short read|failed to insert into database/i.test(stderr);
}

function classify(err: unknown): unknown {
  if (!(err instanceof GitCommandError)) return err;
  const unreadable = /open\("(.+?)"\): (Permission denied|.+)$/m.exec(err.stderr);
  if (unreadable) {
    return new TmtError('UNREADABLE_FILE', `cannot read ${unreadable[1]}: ${unreadable[2]}`, {
      hint: 'fix its permissions, or add it to .tmtignore to leave it out of snapshots',
      cause: err,
    });
  }
  const emptyRepo = /^error: (.+?): is a directory - add files inside instead$/m.exec(err.stderr);
  if (emptyRepo) {
    return new TmtError('SNAPSHOT_FAILED', `${emptyRepo[1]}/ is a git repository with no commit checked out, so it cannot be recorded (git add -A refuses it too)`, {
      hint: `commit something in it, add it to .tmtignore, or remove ${emptyRepo[1]}/.git`,
      cause: err,
    });
  }
  return new TmtError('SNAPSHOT_FAILED', `snapshot failed: ${err.message}`, {
    hint: 'run `git add -A --dry-run` to see what git makes of the working tree',
    cause: err,
  });
}
