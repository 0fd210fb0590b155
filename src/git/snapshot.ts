/**
 * Writes the working tree as a git tree object. The tree id equals what native
 * git gives for `cp .git/index T; GIT_INDEX_FILE=T git add -A; git write-tree`,
 * except for two documented differences: paths matched by the root
 * `.tmtignore`, and files larger than the size cap, are left out (and
 * reported, never silently). Git does the hashing, so ignore rules, filters
 * (LFS, autocrlf), modes and submodules match by construction.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { TmtError } from '../errors.js';
import { git, GitCommandError } from './exec.js';
import { entrySize, parseIndex, scanIndex, writeIndex, type IndexEntry } from './index-file.js';
import type { Repo } from './repo.js';
import { checkDirs, readDirTimes, writeDirTimes } from './dir-times.js';
import { commitScratchIndex, dirTimesFile, discardScratchIndex, prepareScratchIndex, type ScratchIndex } from './stat-cache.js';

export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
const GITLINK = 0o160000;

export interface SnapshotOptions {
  repo: Repo;
  /** Hash every file instead of trusting the stat cache. */
  noCache?: boolean;
  /** Files larger than this (bytes) are left out. 0 disables the cap. */
  maxFileSize?: number;
  /** For timings; defaults to performance.now. */
  now?: () => number;
}

export type SkipReason = 'tmtignore' | 'too-large';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  size?: number;
}

export interface SnapshotResult {
  tree: string;
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
  const excluded = (p: string) => tmtIgnore?.ignores(p) ?? false;

  // A file can vanish between git's directory walk and its read; a retry sees
  // the settled state. Anything else fails at once.
  for (let attempt = 1; ; attempt++) {
    const scratch = await prepareScratchIndex({
      repo: opts.repo,
      noCache: opts.noCache ?? false,
      exclude: excluded,
    });
    try {
      const result = await snapshotWith(opts.repo, scratch, {
        maxFileSize,
        excluded,
        hasTmtIgnore: tmtIgnore !== undefined,
      });
      commitScratchIndex(opts.repo, scratch);
      if (scratch.dirTimes) writeDirTimes(dirTimesFile(opts.repo), scratch.dirTimes);
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

async function snapshotWith(repo: Repo, scratch: ScratchIndex, f: Filters): Promise<Omit<SnapshotResult, 'ms' | 'cacheHits'>> {
  const run = { cwd: repo.workTree, env: { GIT_INDEX_FILE: scratch.file } };
  const skipped: SkippedFile[] = [];

  await addGuarded(repo, run, scratch, f, skipped);

  const data = fs.readFileSync(scratch.file);
  const quick = f.hasTmtIgnore ? undefined : quickScan(data, f.maxFileSize);
  if (quick && !quick.oversize) {
    const tree = await writeTree(repo, scratch.file);
    return { tree, files: quick.count, skipped: sortByPath(skipped) };
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

  let treeIndex = scratch.file;
  if (kept.length !== entries.length) {
    treeIndex = scratch.file + '.filtered';
    fs.writeFileSync(treeIndex, writeIndex(kept));
  }
  try {
    const tree = await writeTree(repo, treeIndex);
    return { tree, files: kept.length, skipped: sortByPath(skipped) };
  } finally {
    if (treeIndex !== scratch.file) fs.rmSync(treeIndex, { force: true });
  }
}

async function writeTree(repo: Repo, indexFile: string): Promise<string> {
  const { stdout } = await git(['write-tree'], { cwd: repo.workTree, env: { GIT_INDEX_FILE: indexFile } });
  return stdout.toString('utf8').trim();
}

/** Entry count and whether any non-gitlink entry is over the cap, without allocating per entry. */
function quickScan(data: Buffer, maxFileSize: number): { count: number; oversize: boolean } | undefined {
  let oversize = false;
  const count = scanIndex(data, (buf, e) => {
    if (maxFileSize > 0 && buf.readUInt32BE(e.at + 36) > maxFileSize && buf.readUInt32BE(e.at + 24) !== GITLINK) oversize = true;
  });
  return count === undefined ? undefined : { count, oversize };
}

/** One report per path (a file can be seen both before and after the add), sorted. */
function sortByPath(skipped: SkippedFile[]): SkippedFile[] {
  const unique = new Map(skipped.map((s) => [s.path, s]));
  return [...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * `git add -A`, keeping new files that are over the cap or matched by
 * .tmtignore out of the object store. Finding them takes a second walk of the
 * tree (`git ls-files -o`), needed only when a file can be new: tmt compares
 * directory mtimes with those seen at the last snapshot, on its own core while
 * git already adds. Should a new file have to stay out, the add is killed long
 * before it could finish hashing a file that large, and run again without it.
 * With a .tmtignore, whose matches may be small files, nothing runs early.
 */
async function addGuarded(repo: Repo, run: GitEnv, scratch: ScratchIndex, f: Filters, skipped: SkippedFile[]): Promise<void> {
  const adding = new AbortController();
  // Settled at once, so a failing add is never an unhandled rejection while we list.
  const early: Promise<{ done: boolean; error?: unknown }> = f.hasTmtIgnore
    ? Promise.resolve({ done: false })
    : addAll(run, [], adding.signal).then(
        () => ({ done: true }),
        (error: unknown) => ({ done: false, error: adding.signal.aborted ? undefined : error }),
      );
  let keepOut: string[] = [];
  try {
    const dirs = checkDirs(repo.workTree, scratch.data, readDirTimes(dirTimesFile(repo)));
    scratch.dirTimes = dirs?.times;
    if (!dirs || dirs.changed) keepOut = await newFilesToKeepOut(repo, run, f, skipped);
  } catch (err) {
    adding.abort();
    await early;
    throw err;
  }
  if (keepOut.length > 0) adding.abort();
  const first = await early;
  if (first.error !== undefined) throw first.error;
  if (!first.done) {
    fs.rmSync(scratch.file + '.lock', { force: true });
    await addAll(run, keepOut);
  }
}

/** Untracked, non-ignored files that are over the cap or matched by .tmtignore. */
async function newFilesToKeepOut(repo: Repo, run: GitEnv, f: Filters, skipped: SkippedFile[]): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '-o', '--exclude-standard'], run);
  const keepOut: string[] = [];
  for (const rel of splitZ(stdout)) {
    if (f.excluded(rel)) {
      skipped.push({ path: rel, reason: 'tmtignore' });
      keepOut.push(rel);
    } else if (f.maxFileSize > 0) {
      const size = sizeOf(path.join(repo.workTree, rel));
      if (size !== undefined && size > f.maxFileSize) {
        skipped.push({ path: rel, reason: 'too-large', size });
        keepOut.push(rel);
      }
    }
  }
  return keepOut;
}

type GitEnv = { cwd: string; env: Record<string, string> };

async function addAll(run: GitEnv, keepOut: readonly string[], signal?: AbortSignal): Promise<void> {
  if (keepOut.length === 0) {
    await git(['add', '-A'], { ...run, signal });
    return;
  }
  const specs = [':/', ...keepOut.map((p) => `:(top,literal,exclude)${p}`)];
  await git(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], {
    ...run,
    signal,
    input: Buffer.from(specs.join('\0') + '\0', 'utf8'),
  });
}

async function loadTmtIgnore(workTree: string): Promise<Ignore | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(workTree, '.tmtignore'), 'utf8');
  } catch {
    return undefined; // no .tmtignore (or unreadable): nothing extra to leave out
  }
  const { default: ignore } = await import('ignore'); // only repos with a .tmtignore pay for loading it
  return ignore({ allowRelativePaths: true }).add(text);
}

function sizeOf(file: string): number | undefined {
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

function splitZ(buf: Buffer): string[] {
  return buf.toString('utf8').split('\0').filter(Boolean);
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
  return new TmtError('SNAPSHOT_FAILED', `snapshot failed: ${err.message}`, {
    hint: 'run `git add -A --dry-run` to see what git makes of the working tree',
    cause: err,
  });
}
