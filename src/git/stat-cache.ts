/**
 * The snapshot stat cache. Git's own index carries stat data only for tracked
 * files, so `git add -A` on a copy of it re-hashes every untracked file on
 * every snapshot. tmt keeps the index of its last snapshot in
 * `<git-dir>/tmt/index` and, before each snapshot, merges the entries that only
 * it knows (untracked files it already hashed) into a fresh copy of the real
 * index. Entries the real index has are always taken from the real index, so
 * the result is exactly what git would compute; cached entries only save work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { git } from './exec.js';
import { parseIndex, writeIndex, UnsupportedIndexError, type IndexEntry } from './index-file.js';
import { TMT_DIR } from './layout.js';
import type { Repo } from './repo.js';

export interface ScratchIndex {
  /** Absolute path of this process's private index. */
  file: string;
  /** How many untracked entries came from the cache (0 when it was not used). */
  reused: number;
}

export interface PrepareOptions {
  repo: Repo;
  /** Ignore the cache: start from the real index only. */
  noCache: boolean;
  /** Paths (relative to the work tree) that must not be taken from the cache. */
  exclude: (relPath: string) => boolean;
}

function cacheDir(repo: Repo): string {
  return path.join(repo.gitDir, TMT_DIR);
}

/** Builds a private index to snapshot from; the caller must `commit` or `discard` it. */
export async function prepareScratchIndex(opts: PrepareOptions): Promise<ScratchIndex> {
  const dir = cacheDir(opts.repo);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `index.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const realFile = path.join(opts.repo.gitDir, 'index');
  const real = readIfExists(realFile);
  const cached = opts.noCache || !hasUntrackedEntries(dir) ? undefined : readIfExists(path.join(dir, 'index'));

  let reused = 0;
  let content = real?.data;
  if (cached) {
    const merged = await mergeCached(real?.data, cached.data, opts).catch((err: unknown) => {
      if (err instanceof UnsupportedIndexError) return undefined; // unreadable cache: just go without
      throw err;
    });
    if (merged) ({ content, reused } = merged);
  }
  if (content !== undefined) {
    fs.writeFileSync(file, content);
    // git treats entries as racily clean relative to the index file's mtime;
    // never let the scratch copy look newer than the data it came from.
    const times = [real?.mtime, reused > 0 ? cached?.mtime : undefined].filter((t): t is Date => !!t);
    if (times.length) {
      const oldest = new Date(Math.min(...times.map((t) => t.getTime())));
      fs.utimesSync(file, oldest, oldest);
    }
  }
  return { file, reused };
}

/**
 * Keeps the scratch index as the new cache. Last writer wins; any version is a
 * valid cache. `untracked` says how many entries the real index lacks; when it
 * is 0 the next snapshot skips reading the cache altogether. The hint is
 * written apart from the index, so a racing writer can only make it stale,
 * which costs one slower snapshot and never a wrong tree.
 */
export function commitScratchIndex(repo: Repo, scratch: ScratchIndex, untracked: number): void {
  if (!fs.existsSync(scratch.file)) return;
  const dir = cacheDir(repo);
  fs.renameSync(scratch.file, path.join(dir, 'index'));
  const hint = path.join(dir, `untracked.tmp-${process.pid}`);
  fs.writeFileSync(hint, String(untracked));
  fs.renameSync(hint, path.join(dir, 'untracked'));
}

function hasUntrackedEntries(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, 'untracked'), 'utf8').trim() !== '0';
  } catch {
    return true; // no hint yet: look at the cache itself
  }
}

export function discardScratchIndex(scratch: ScratchIndex): void {
  fs.rmSync(scratch.file, { force: true });
  fs.rmSync(scratch.file + '.lock', { force: true });
}

interface Loaded {
  data: Buffer;
  mtime: Date;
}

function readIfExists(file: string): Loaded | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(fd);
      return { data: fs.readFileSync(fd), mtime: st.mtime };
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Real index entries plus cached entries for paths the real index lacks and
 * git would still pick up (not ignored now, no file/directory clash).
 */
async function mergeCached(
  realData: Buffer | undefined,
  cachedData: Buffer,
  opts: PrepareOptions,
): Promise<{ content: Buffer; reused: number } | undefined> {
  const real = realData ? parseIndex(realData) : { entries: [], extensions: [] };
  // Split and sparse indexes keep entries elsewhere; let git handle those alone.
  if (real.extensions.some((x) => x === 'link' || x === 'sdir')) return undefined;
  const cached = parseIndex(cachedData);
  if (cached.extensions.some((x) => x === 'link' || x === 'sdir')) return undefined;

  const extra = cachedOnly(real.entries, cached.entries).filter((e) => !opts.exclude(e.path.toString('utf8')));
  if (extra.length === 0) return undefined;
  const ignored = await ignoredNow(opts.repo, extra);
  const keep = withoutDirectoryClashes(
    extra.filter((e) => !ignored.has(e.path.toString('latin1'))),
    real.entries,
  );
  if (keep.length === 0) return undefined;
  return { content: writeIndex(mergeSorted(real.entries, keep)), reused: keep.length };
}

/** Entries whose path is absent from `real` (both lists are in git's sorted order). */
function cachedOnly(real: readonly IndexEntry[], cached: readonly IndexEntry[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  let i = 0;
  for (const e of cached) {
    while (i < real.length && Buffer.compare(real[i]!.path, e.path) < 0) i++;
    if (i < real.length && real[i]!.path.equals(e.path)) continue;
    out.push(e);
  }
  return out;
}

async function ignoredNow(repo: Repo, entries: readonly IndexEntry[]): Promise<Set<string>> {
  const input = Buffer.concat(entries.flatMap((e) => [e.path, Buffer.from([0])]));
  const { stdout } = await git(['check-ignore', '--no-index', '-z', '--stdin'], {
    cwd: repo.workTree,
    input,
    okCodes: [1],
  });
  return new Set(stdout.toString('latin1').split('\0').filter(Boolean));
}

/** Drops cached files that now clash with a directory or a file of the real index. */
function withoutDirectoryClashes(extra: IndexEntry[], real: readonly IndexEntry[]): IndexEntry[] {
  return extra.filter((e) => {
    const p = e.path;
    const asDir = Buffer.concat([p, SLASH]);
    const at = lowerBound(real, asDir);
    if (at < real.length && real[at]!.path.subarray(0, asDir.length).equals(asDir)) return false;
    for (let s = p.indexOf(0x2f); s >= 0; s = p.indexOf(0x2f, s + 1)) {
      const parent = p.subarray(0, s);
      const k = lowerBound(real, parent);
      if (k < real.length && real[k]!.path.equals(parent)) return false;
    }
    return true;
  });
}

const SLASH = Buffer.from('/');

function lowerBound(entries: readonly IndexEntry[], key: Buffer): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(entries[mid]!.path, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted(a: readonly IndexEntry[], b: readonly IndexEntry[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (Buffer.compare(a[i]!.path, b[j]!.path) <= 0) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
