/**
 * The snapshot stat cache. Git's own index carries stat data only for tracked
 * files, so `git add -A` on a copy of it re-hashes every untracked file on
 * every snapshot. tmt keeps the index of its last snapshot in
 * `<git-dir>/tmt/index` and merges the entries only it has (untracked files
 * it already hashed, with their stat data) into a fresh copy of the real
 * index. The real index's own entries are always taken as they are, so the
 * result is exactly what git computes from it; cached entries only save
 * hashing. Cached entries are dropped when git would now ignore them, when
 * they are or sit inside a nested repository, and the whole cache is dropped
 * when anything that changes how git hashes a file changed (config,
 * attributes). Any trouble with the cache means: go without it.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { git } from './exec.js';
import { IndexCursor, parseIndex, writeIndex, type IndexEntry, type ParsedIndex } from './index-file.js';
import { TMT_DIR } from './layout.js';
import type { Repo } from './repo.js';

export interface ScratchIndex {
  /** Absolute path of this process's private index. */
  file: string;
  /** How many untracked entries came from the cache (0 when it was not used). */
  reused: number;
  /** Fingerprint of what decides how git hashes files, stored with the cache. */
  key: string;
}

export interface PrepareOptions {
  repo: Repo;
  /** Ignore the cache: start from the real index only. */
  noCache: boolean;
  /** Paths (relative to the work tree) that must not be taken from the cache. */
  exclude: (relPath: string) => boolean;
}

const GITLINK = 0o160000;

const EMPTY: ParsedIndex = { version: 2, entries: [], extensions: [] };

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
  const key = await hashingKey(opts.repo, [real?.data, cached?.data]);

  let content = real?.data;
  let reused = 0;
  if (cached && readKey(dir) === key) {
    const merged = await mergeCached(real?.data, cached.data, opts).catch(() => undefined); // any trouble: go without
    if (merged) ({ content, reused } = merged);
  }
  if (content !== undefined) {
    fs.writeFileSync(file, content);
    // git treats entries as racily clean relative to the index file's mtime;
    // never let the scratch copy look newer than the real index it came from.
    if (real) fs.utimesSync(file, real.mtime, real.mtime);
  }
  return { file, reused, key };
}

/** Keeps the scratch index as the new cache. Last writer wins; any version is a valid cache. */
export function commitScratchIndex(repo: Repo, scratch: ScratchIndex): void {
  if (!fs.existsSync(scratch.file)) return;
  const dir = cacheDir(repo);
  // Key first: a reader that sees the new key with the old index merely misses the cache.
  const tmpKey = path.join(dir, `key.tmp-${process.pid}`);
  fs.writeFileSync(tmpKey, scratch.key);
  fs.renameSync(tmpKey, path.join(dir, 'key'));
  fs.renameSync(scratch.file, path.join(dir, 'index'));
}

export function discardScratchIndex(scratch: ScratchIndex): void {
  fs.rmSync(scratch.file, { force: true });
  fs.rmSync(scratch.file + '.lock', { force: true });
}

function readKey(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, 'key'), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Everything that changes which blob git makes of a file: the effective config
 * (core.autocrlf, core.filemode, filters, ...) and the attribute files, by
 * their current content. The cache is only trusted while this stays the same.
 */
async function hashingKey(repo: Repo, indexes: ReadonlyArray<Buffer | undefined>): Promise<string> {
  const h = createHash('sha1');
  h.update((await git(['config', '--list', '-z'], { cwd: repo.workTree, okCodes: [1] })).stdout);
  h.update(readIfExists(path.join(repo.commonDir, 'info', 'attributes'))?.data ?? Buffer.alloc(0));
  const attributes = new Set<string>(['.gitattributes']);
  for (const data of indexes) for (const p of data ? attributePaths(data) : []) attributes.add(p);
  for (const rel of [...attributes].sort()) h.update(rel).update(NUL).update(readIfExists(path.join(repo.workTree, rel))?.data ?? Buffer.alloc(0));
  return h.digest('hex');
}

/** Paths of .gitattributes entries, found without parsing the whole index. */
function attributePaths(data: Buffer): string[] {
  const out: string[] = [];
  try {
    const c = IndexCursor.open(data);
    if (!c) return parseIndex(data).entries.filter((e) => isAttributes(e.path)).map((e) => e.path.toString('utf8'));
    while (c.next()) {
      // Cheap tail test first; most paths never become strings.
      if (c.pathEnd - c.pathStart < 14 || c.buf.toString('latin1', c.pathEnd - 14, c.pathEnd) !== '.gitattributes') continue;
      const p = c.buf.toString('utf8', c.pathStart, c.pathEnd);
      if (isAttributes(p)) out.push(p);
    }
  } catch {
    /* an unreadable index contributes nothing; it will not be used either */
  }
  return out;
}

export function isAttributes(p: Buffer | string): boolean {
  const s = typeof p === 'string' ? p : p.toString('latin1');
  return s === '.gitattributes' || s.endsWith('/.gitattributes');
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
 * git would still pick up as ordinary files. undefined: nothing to reuse.
 */
async function mergeCached(realData: Buffer | undefined, cachedData: Buffer, opts: PrepareOptions): Promise<{ content: Buffer; reused: number } | undefined> {
  // Most snapshots have nothing to reuse (no untracked files): find out without parsing.
  if (realData && !hasCachedOnly(realData, cachedData)) return undefined;
  const real = realData ? parseIndex(realData) : EMPTY;
  const cached = parseIndex(cachedData);
  // A split or sparse index keeps entries elsewhere; leave those to git alone.
  if ([...real.extensions, ...cached.extensions].some((x) => x === 'link' || x === 'sdir')) return undefined;
  const nested = nestedRepoCheck(opts.repo.workTree);
  const extra = cachedOnly(real.entries, cached.entries).filter((e) => {
    const rel = e.path.toString('utf8');
    return modeOf(e) !== GITLINK && !opts.exclude(rel) && !nested(rel);
  });
  if (extra.length === 0) return undefined;
  const ignored = await ignoredNow(opts.repo, extra.map((e) => e.path));
  const keep = withoutDirectoryClashes(
    extra.filter((e) => !ignored.has(e.path.toString('latin1'))),
    real.entries,
  );
  if (keep.length === 0) return undefined;
  return { content: writeIndex(mergeSorted(real.entries, keep)), reused: keep.length };
}

function modeOf(e: IndexEntry): number {
  return e.head.readUInt32BE(24);
}

/** True for paths inside a directory that has become a repository of its own (git would add a gitlink). */
function nestedRepoCheck(workTree: string): (rel: string) => boolean {
  const memo = new Map<string, boolean>();
  const isRepo = (dir: string): boolean => {
    let v = memo.get(dir);
    if (v === undefined) {
      v = fs.existsSync(path.join(workTree, dir, '.git'));
      memo.set(dir, v);
    }
    return v;
  };
  return (rel) => {
    for (let s = rel.indexOf('/'); s >= 0; s = rel.indexOf('/', s + 1)) if (isRepo(rel.slice(0, s))) return true;
    return false;
  };
}

/** Whether the cache has a path the real index lacks; undefined-safe for v4 (answers true). */
function hasCachedOnly(realData: Buffer, cachedData: Buffer): boolean {
  const r = IndexCursor.open(realData);
  const c = IndexCursor.open(cachedData);
  if (!r || !c) return true;
  r.next();
  while (c.next()) {
    while (!r.done && r.comparePath(c) < 0) r.next();
    if (r.done || r.comparePath(c) !== 0) return true;
  }
  return false;
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
  const { stdout } = await git(['check-ignore', '--no-index', '-z', '--stdin'], { cwd: repo.workTree, input, okCodes: [1] });
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
