/**
 * The snapshot stat cache. Git's own index carries stat data only for tracked
 * files, so `git add -A` on a copy of it re-hashes every untracked file on
 * every snapshot. tmt keeps the index of its last snapshot in
 * `<git-dir>/tmt/index` and merges the entries only it has (untracked files
 * it already hashed, with their stat data) into a fresh copy of the real
 * index. The real index's own entries are always taken as they are, so the
 * result is exactly what git computes from it; cached entries only save
 * hashing.
 *
 * A cached entry is lent to the snapshot only when all of these hold:
 * - the config that decides how git hashes files is unchanged (hashingKey);
 * - tmt hashed it as an untracked file and recorded it (an entry that came
 *   from the real index, say before `git rm --cached`, was hashed under
 *   other rules);
 * - `git check-attr` gives it the same attributes it had when it was hashed;
 * - its mtime and ctime are older than the second the caching snapshot
 *   started, so no same-size rewrite can hide behind equal stat data (git's
 *   racy-clean rule, judged by the cache's own time, never the real
 *   index's; ctime too, because `cp -p` and unzip set mtimes back), and git
 *   is told to trust ctime and full stat data (no core.trustctime=false, no
 *   core.checkStat=minimal) and to stat the file at all (no assume-valid
 *   entry, as core.ignoreStat makes);
 * - no tracked .gitattributes is missing from disk: the snapshot applies
 *   that deletion before it hashes, so the rules change under it;
 * - git would not ignore it now, it is not inside a nested repository, and no
 *   file or directory of the real index clashes with it.
 * Any other entry is left out, so git hashes the file as the new file it is.
 * Lending a doubtful entry smudged would not do: git reads the entry already
 * in the index when it hashes a path again (CRs in its blob switch autocrlf
 * off for that path, and with core.filemode=false it keeps the entry's mode),
 * which is also why the snapshot removes a lent entry whose file changed
 * before hashing it again. stat-cache-record.ts says what the cache keeps.
 * Any trouble with the cache means: go without it.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkAttributes, type AttributeMap } from './attributes.js';
import { git } from './exec.js';
import { IndexCursor, parseIndex, writeIndex, type IndexEntry, type ParsedIndex } from './index-file.js';
import { gitIndexFile, worktreeTmtDir } from './layout.js';
import type { Repo } from './repo.js';
import { indexTrailer, readRecord, writeRecord, type CacheRecord } from './stat-cache-record.js';

export interface ScratchIndex {
  /** Absolute path of this process's private index. */
  file: string;
  /** How many untracked entries' hashes came from the cache (0 when it was not used). */
  reused: number;
  /** Fingerprint of the config that decides how git hashes files, stored with the cache. */
  key: string;
  /**
   * When this snapshot started, in whole seconds of the file system's own
   * clock (the mtime of the scratch file tmt created first), so no file git
   * stats in this snapshot can carry an older change.
   */
  stampSec: number;
  /**
   * Attributes of the untracked entries the new cache will hold, each as it
   * was before the entry was hashed: lent entries and cached entries left out
   * get theirs here, new files theirs in the snapshot.
   */
  attrs: AttributeMap;
  /** Whether this path (latin1) is an entry lent from the cache. */
  isLent: (path: string) => boolean;
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

/** Builds a private index to snapshot from; the caller must `commit` or `discard` it. */
export async function prepareScratchIndex(opts: PrepareOptions): Promise<ScratchIndex> {
  const dir = worktreeTmtDir(opts.repo);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `index.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Created before anything else: its mtime is the stamp (see ScratchIndex).
  const fd = fs.openSync(file, 'wx');
  let open = true;
  try {
    const stampSec = Math.floor(fs.fstatSync(fd).mtimeMs / 1000);
    // git works out the key on the other core while this one reads and parses the cache.
    const keyed = hashingConfig(opts.repo);
    keyed.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    const real = readIfExists(gitIndexFile(opts.repo));
    const cached = opts.noCache ? undefined : readIfExists(path.join(dir, 'index'));
    const record = cached ? readRecord(dir) : undefined;

    let content = real?.data;
    let attrs: AttributeMap = new Map();
    let lent: IndexEntry[] = [];
    if (cached && record && record.index === trailerOf(cached.data)) {
      const sameKey = keyed.then((k) => k.key === record.key && k.statTrusted);
      const merged = await mergeCached(real?.data, cached.data, record, opts, sameKey).catch(() => undefined); // any trouble: go without
      if (merged) ({ content, attrs, lent } = merged);
    }
    const { key } = await keyed;
    if (content !== undefined) fs.writeSync(fd, content);
    fs.closeSync(fd);
    open = false;
    if (content === undefined) fs.rmSync(file); // no index at all: git starts one
    // git treats entries as racily clean relative to the index file's mtime;
    // never let the scratch copy look newer than the real index it came from.
    else if (real) fs.utimesSync(file, real.mtime, real.mtime);
    const isLent = (p: string): boolean => {
      const key = Buffer.from(p, 'latin1');
      const at = lowerBound(lent, key, key.length);
      return at < lent.length && lent[at]!.path.equals(key);
    };
    return { file, reused: lent.length, key, stampSec, attrs, isLent };
  } catch (err) {
    if (open) fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw err;
  }
}

/**
 * Keeps the scratch index as the new cache. Last writer wins; the record is
 * tied to its index by checksum, so a record and an index from two different
 * snapshots are never used together.
 */
export function commitScratchIndex(repo: Repo, scratch: ScratchIndex): void {
  if (!fs.existsSync(scratch.file)) return;
  const index = indexTrailer(scratch.file);
  if (!index) return;
  const dir = worktreeTmtDir(repo);
  writeRecord(dir, { key: scratch.key, stampSec: scratch.stampSec, index, attrs: scratch.attrs });
  fs.renameSync(scratch.file, path.join(dir, 'index'));
  fs.rmSync(path.join(dir, 'key'), { force: true }); // the record's predecessor (tmt 0.1)
}

export function discardScratchIndex(scratch: ScratchIndex): void {
  fs.rmSync(scratch.file, { force: true });
  fs.rmSync(scratch.file + '.lock', { force: true });
}

function trailerOf(data: Buffer): string {
  return data.subarray(data.length - 20).toString('hex');
}

/**
 * The config that changes which blob git makes of a file (core.autocrlf,
 * core.eol, core.filemode, core.symlinks, filter drivers, ...), from every
 * config file and `-c` git reads. Attributes are checked per path instead
 * (attributes.ts). The cache is only trusted while this stays the same.
 */
async function hashingConfig(repo: Repo): Promise<{ key: string; statTrusted: boolean }> {
  const { stdout } = await git(['config', '--list', '-z'], { cwd: repo.workTree, okCodes: [1] });
  // -z: `key NL value` per entry; the last setting of a key wins, as git reads it.
  const settings = new Map(stdout.toString('utf8').split('\0').map((e) => { const nl = e.indexOf('\n'); return [e.slice(0, nl < 0 ? e.length : nl).toLowerCase(), nl < 0 ? 'true' : e.slice(nl + 1).toLowerCase()] as const; }));
  const statTrusted = !['false', 'no', 'off', '0'].includes(settings.get('core.trustctime') ?? '') && settings.get('core.checkstat') !== 'minimal';
  return { key: createHash('sha1').update(stdout).digest('hex'), statTrusted };
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
 * Real index entries plus the cached entries that can be trusted (see the
 * module comment). undefined: nothing to lend.
 */
async function mergeCached(
  realData: Buffer | undefined,
  cachedData: Buffer,
  record: CacheRecord,
  opts: PrepareOptions,
  sameKey: Promise<boolean>,
): Promise<{ content: Buffer | undefined; attrs: AttributeMap; lent: IndexEntry[] } | undefined> {
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
  if (extra.length === 0 || !(await sameKey) || trackedAttributesGone(opts.repo.workTree, real.entries)) return undefined;
  const names = extra.map((e) => e.path.toString('latin1'));
  const input = Buffer.concat(extra.flatMap((e) => [e.path, NUL]));
  // check-ignore reads its input as pathspecs (`:x` would be magic): given as ./path, it is a path.
  const asPaths = Buffer.concat(extra.flatMap((e) => [DOT_SLASH, e.path, NUL]));
  const [ignored, attrsNow] = await Promise.all([ignoredNow(opts.repo, asPaths), checkAttributes(opts.repo.workTree, names, undefined, input)]);
  // Taken before any hash of this snapshot: the record for every one of these that is hashed now.
  const attrs: AttributeMap = new Map();
  const trusted = extra.filter((e, i) => {
    const name = names[i]!;
    if (ignored.has(name)) return false;
    const now = attrsNow.get(name) ?? '';
    attrs.set(name, now);
    return mtimeSec(e) < record.stampSec && ctimeSec(e) < record.stampSec && !(e.head.readUInt16BE(60) & ASSUME_VALID) && record.attrs.get(name) === now;
  });
  const keep = withoutDirectoryClashes(trusted, real.entries);
  if (keep.length === 0) return { content: realData, attrs, lent: [] };
  return { content: writeIndex(mergeSorted(real.entries, keep)), attrs, lent: keep };
}

function modeOf(e: IndexEntry): number {
  return e.head.readUInt32BE(24);
}

function mtimeSec(e: IndexEntry): number {
  return e.head.readUInt32BE(8);
}

function ctimeSec(e: IndexEntry): number {
  return e.head.readUInt32BE(0);
}

const ASSUME_VALID = 0x8000;
const SKIP_WORKTREE = 0x4000; // extended flags (v3)
const DOT_SLASH = Buffer.from('./');

/** A tracked .gitattributes whose file is gone (and not kept out by a sparse checkout). */
function trackedAttributesGone(workTree: string, real: readonly IndexEntry[]): boolean {
  return real.some((e) => {
    const p = e.path;
    if (p.length < 14 || p.toString('latin1', p.length - 14) !== '.gitattributes' || (p.length > 14 && p[p.length - 15] !== 0x2f)) return false;
    if (e.extended !== undefined && e.extended & SKIP_WORKTREE) return false;
    return !fs.existsSync(Buffer.concat([Buffer.from(workTree + path.sep), p]));
  });
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

/** Of the NUL-terminated ./paths in `input`, those git would ignore now (without the ./). */
async function ignoredNow(repo: Repo, input: Buffer): Promise<Set<string>> {
  const { stdout } = await git(['check-ignore', '--no-index', '-z', '--stdin'], { cwd: repo.workTree, input, okCodes: [1] });
  return new Set(stdout.toString('latin1').split('\0').filter(Boolean).map((p) => (p.startsWith('./') ? p.slice(2) : p)));
}

/** Drops cached files that now clash with a directory or a file of the real index. */
function withoutDirectoryClashes(extra: IndexEntry[], real: readonly IndexEntry[]): IndexEntry[] {
  if (real.length === 0) return extra;
  // Compared in place, never sliced: this runs for every untracked file on every snapshot.
  return extra.filter((e) => {
    const p = e.path;
    // A real entry under p/ (a directory now stands where the cached file was).
    for (let k = lowerBound(real, p, p.length); k < real.length && startsWith(real[k]!.path, p, p.length); k++) {
      if (real[k]!.path[p.length] === 0x2f) return false;
    }
    // A real file where one of p's parent directories would be.
    for (let s = p.indexOf(0x2f); s >= 0; s = p.indexOf(0x2f, s + 1)) {
      const k = lowerBound(real, p, s);
      if (k < real.length && real[k]!.path.length === s && startsWith(real[k]!.path, p, s)) return false;
    }
    return true;
  });
}

function startsWith(path: Buffer, prefix: Buffer, length: number): boolean {
  return path.length >= length && path.compare(prefix, 0, length, 0, length) === 0;
}

/** The first entry whose path is not below `key`'s first `length` bytes. */
function lowerBound(entries: readonly IndexEntry[], key: Buffer, length: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.path.compare(key, 0, length) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NUL = Buffer.from([0]);

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
