/**
 * The snapshot stat cache. Git's own index carries stat data only for tracked
 * files, so `git add -A` on a copy of it re-hashes every untracked file on
 * every snapshot. tmt keeps the index of its last snapshot in
 * `<git-dir>/tmt/index`. Before each snapshot it checks that this cache agrees
 * with the real index on every tracked path; if so the cache is used as it is
 * (with git's cache-tree extension, so `write-tree` is cheap), otherwise the
 * cached untracked entries are merged into a copy of the real index. Cached
 * entries that git would now ignore are dropped first, so the result is always
 * exactly what git computes from the real index; the cache only saves hashing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { git } from './exec.js';
import { IndexCursor, parseIndex, writeIndex, UnsupportedIndexError, type IndexEntry } from './index-file.js';
import { TMT_DIR } from './layout.js';
import type { Repo } from './repo.js';

export interface ScratchIndex {
  /** Absolute path of this process's private index. */
  file: string;
  /** How many untracked entries came from the cache (0 when it was not used). */
  reused: number;
  /** The scratch index's initial content (undefined: no index yet). */
  data: Buffer | undefined;
  /** Directory times seen before the add, kept with the cache once it is committed. */
  dirTimes?: Record<string, number>;
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
  const real = readIfExists(path.join(opts.repo.gitDir, 'index'));
  const cached = opts.noCache ? undefined : readIfExists(path.join(dir, 'index'));

  let chosen = real;
  let reused = 0;
  if (cached) {
    const built = await fromCache(real, cached, opts).catch((err: unknown) => {
      if (err instanceof UnsupportedIndexError) return undefined; // unreadable cache: just go without
      throw err;
    });
    if (built) ({ chosen, reused } = built);
  }
  if (chosen !== undefined) {
    fs.writeFileSync(file, chosen.data);
    // git treats entries as racily clean relative to the index file's mtime;
    // never let the scratch copy look newer than the data it came from.
    const oldest = new Date(Math.min(chosen.mtime.getTime(), real?.mtime.getTime() ?? Infinity));
    fs.utimesSync(file, oldest, oldest);
  }
  return { file, reused, data: chosen?.data };
}

/** Where the directory times of the last snapshot are kept. */
export function dirTimesFile(repo: Repo): string {
  return path.join(cacheDir(repo), 'dirs.json');
}

/**
 * The cached index, used as it is, whenever it agrees with the real index on
 * every tracked path (same stage, mode and flags; object ids may differ, as
 * git re-hashes any file whose stat data changed). Used verbatim it keeps
 * git's cache-tree and untracked-cache extensions, which make `add -A` and
 * `write-tree` cheap. Otherwise the cached entries are merged into the real
 * index, which loses the extensions but keeps the hashes.
 */
async function fromCache(real: Loaded | undefined, cached: Loaded, opts: PrepareOptions): Promise<{ chosen: Loaded; reused: number } | undefined> {
  const agreement = real ? compareWithReal(real.data, cached.data, opts.repo.workTree) : { agrees: true, cachedOnly: allPaths(cached.data) };
  if (agreement?.agrees) {
    const only = agreement.cachedOnly;
    const dropped = only.length ? await droppedNow(opts, only) : new Set<string>();
    if (dropped.size === 0) return { chosen: cached, reused: only.length };
  }
  const merged = await mergeCached(real?.data, cached.data, opts);
  return merged ? { chosen: { data: merged.content, mtime: cached.mtime }, reused: merged.reused } : undefined;
}

/** Compares tracked paths; undefined when the indexes cannot be walked cheaply (v4). */
function compareWithReal(realData: Buffer, cachedData: Buffer, workTree: string): { agrees: boolean; cachedOnly: Buffer[] } | undefined {
  const r = IndexCursor.open(realData);
  const c = IndexCursor.open(cachedData);
  if (!r || !c) return undefined;
  const cachedOnly: Buffer[] = [];
  r.next();
  c.next();
  while (!r.done || !c.done) {
    const cmp = r.done ? 1 : c.done ? -1 : r.comparePath(c);
    if (cmp === 0) {
      if (r.semanticFlags() !== c.semanticFlags() || r.mode() !== c.mode()) return { agrees: false, cachedOnly };
      r.next();
      c.next();
    } else if (cmp < 0) {
      // Tracked but not in the cache: harmless only if git would drop it anyway.
      if (r.semanticFlags() !== 0 || fs.existsSync(path.join(workTree, r.path().toString('utf8')))) return { agrees: false, cachedOnly };
      r.next();
    } else {
      cachedOnly.push(c.path());
      c.next();
    }
  }
  return { agrees: true, cachedOnly };
}

function allPaths(data: Buffer): Buffer[] {
  return parseIndex(data).entries.map((e) => e.path);
}

/** Cached-only paths that git would now ignore, or that .tmtignore leaves out. */
async function droppedNow(opts: PrepareOptions, paths: readonly Buffer[]): Promise<Set<string>> {
  const dropped = await ignoredNow(opts.repo, paths);
  for (const p of paths) if (opts.exclude(p.toString('utf8'))) dropped.add(p.toString('latin1'));
  return dropped;
}

/** Keeps the scratch index as the new cache. Last writer wins; any version is a valid cache. */
export function commitScratchIndex(repo: Repo, scratch: ScratchIndex): void {
  if (fs.existsSync(scratch.file)) fs.renameSync(scratch.file, path.join(cacheDir(repo), 'index'));
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
  const ignored = await ignoredNow(opts.repo, extra.map((e) => e.path));
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

async function ignoredNow(repo: Repo, paths: readonly Buffer[]): Promise<Set<string>> {
  const input = Buffer.concat(paths.flatMap((p) => [p, NUL]));
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
const NUL = Buffer.from([0]);

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
