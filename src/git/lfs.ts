/**
 * git LFS storage, done the way git-lfs does it so that git-lfs itself
 * recognises the result: a pointer blob (three lines, see `formatPointer`)
 * in the tree, and the content at `<lfs dir>/objects/<oid[0:2]>/<oid[2:4]>/<oid>`.
 * tmt writes objects itself, hashing while it copies (faster than `git lfs
 * clean` and without its side effect of installing hooks, docs in
 * docs/lfs-research.md); moving objects between repositories is left to
 * git-lfs's own transfer (src/git/remote/native/lfs-transfer.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';
import { configEntries } from './config.js';
import { git } from './exec.js';
import { LFS_KEEP_REF } from './layout.js';
import type { Repo } from './repo.js';

export interface LfsPointer {
  /** sha256 of the content, 64 lowercase hex digits. */
  oid: string;
  size: number;
}

const VERSION_LINE = 'version https://git-lfs.github.com/spec/v1\n';
/** git-lfs reads a blob as a pointer only below this size. */
export const MAX_POINTER_BYTES = 1024;
const POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:([0-9a-f]{64})\nsize (0|[1-9][0-9]{0,15})\n$/;

/** The pointer exactly as `git lfs clean` writes it. */
export function formatPointer(p: LfsPointer): Buffer {
  return Buffer.from(`${VERSION_LINE}oid sha256:${p.oid}\nsize ${p.size}\n`);
}

/** A pointer in its canonical form (the only one tmt writes), else undefined. */
export function parsePointer(blob: Buffer): LfsPointer | undefined {
  if (blob.length >= MAX_POINTER_BYTES) return undefined;
  const m = POINTER.exec(blob.toString('latin1'));
  if (!m) return undefined;
  const size = Number(m[2]);
  return Number.isSafeInteger(size) ? { oid: m[1]!, size } : undefined;
}

export const LFS_INSTALL_HINT = 'install git-lfs (apt install git-lfs, brew install git-lfs, or https://git-lfs.com)';

let installed: Promise<boolean> | undefined;

/** Whether `git lfs` runs here (asked once per process). */
export function lfsInstalled(repo: Repo): Promise<boolean> {
  installed ??= git(['lfs', 'version'], { cwd: repo.workTree, okCodes: [1, 2, 127, 128] }).then(
    (r) => r.code === 0 && /^git-lfs\//.test(r.stdout.toString('utf8')),
    () => false,
  );
  return installed;
}

export function lfsMissingError(what: string): TmtError {
  return new TmtError('LFS_MISSING', `${what} needs git-lfs, which is not installed`, { hint: LFS_INSTALL_HINT });
}

/** What tmt reads of the configuration for LFS, in one git process. */
export interface LfsSettings {
  /** `<lfs dir>/objects`. */
  objectsDir: string;
  /** `<lfs dir>/tmp`: where objects are written before they are renamed into place. */
  tmpDir: string;
  /** `tmt.lfs.threshold` as given, or undefined. */
  threshold: string | undefined;
}

/** `lfs.storage` (absolute, or relative to the common dir, as git-lfs reads it), else `<common-dir>/lfs`. */
export async function lfsSettings(repo: Repo): Promise<LfsSettings> {
  const entries = new Map(await configEntries(repo, '^(lfs\\.storage|tmt\\.lfs\\.threshold)$'));
  const storage = entries.get('lfs.storage');
  const dir = storage ? path.resolve(repo.commonDir, storage) : path.join(repo.commonDir, 'lfs');
  return { objectsDir: path.join(dir, 'objects'), tmpDir: path.join(dir, 'tmp'), threshold: entries.get('tmt.lfs.threshold') };
}

export function objectPath(objectsDir: string, oid: string): string {
  return path.join(objectsDir, oid.slice(0, 2), oid.slice(2, 4), oid);
}

/** Whether the object is here, whole (its size is right; its hash is checked when it is read). */
export function hasObject(objectsDir: string, p: LfsPointer): boolean {
  const st = fs.statSync(objectPath(objectsDir, p.oid), { throwIfNoEntry: false });
  return st?.isFile() === true && st.size === p.size;
}

const CHUNK = 1024 * 1024;

/**
 * Copies `file` into the object store, hashing on the way: one read of the
 * file, memory bounded by one buffer. The copy goes to a temporary file that
 * is renamed into place, so a crash leaves no half object under objects/.
 * Always a copy, never a link or a move: a process the run left behind may
 * still write to the file.
 */
export function storeObject(settings: LfsSettings, file: string | Buffer): LfsPointer {
  fs.mkdirSync(settings.tmpDir, { recursive: true });
  const temp = path.join(settings.tmpDir, `tmt-${process.pid}-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const src = fs.openSync(file, 'r');
  let out: number | undefined;
  try {
    out = fs.openSync(temp, 'wx', 0o644);
    for (let n; (n = fs.readSync(src, buf, 0, CHUNK, null)) > 0; ) {
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      for (let at = 0; at < n; ) at += fs.writeSync(out, chunk, at);
      size += n;
    }
    fs.closeSync(out);
    out = undefined;
    const p = { oid: hash.digest('hex'), size };
    // Renamed over one that is there: that one may be damaged, this one was just hashed.
    const target = objectPath(settings.objectsDir, p.oid);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(temp, target);
    return p;
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  } finally {
    fs.closeSync(src);
    if (out !== undefined) fs.closeSync(out);
  }
}

/**
 * Streams an object into `fd`, checking its hash and size on the way; a
 * mismatch (a damaged or truncated object) is an error, so a bad copy is
 * never handed out as the run's file.
 */
export async function copyObjectTo(objectsDir: string, p: LfsPointer, write: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const file = objectPath(objectsDir, p.oid);
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const src = fs.openSync(file, 'r');
  try {
    for (let n; (n = fs.readSync(src, buf, 0, CHUNK, null)) > 0; ) {
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      await write(Buffer.from(chunk)); // a copy: the writer may keep it while the buffer is read into again
      size += n;
    }
  } finally {
    fs.closeSync(src);
  }
  if (size !== p.size || hash.digest('hex') !== p.oid) {
    throw new TmtError('MISSING_OBJECTS', `the LFS object ${p.oid.slice(0, 12)} here is damaged (${file})`, {
      // Plain `git lfs fsck` looks at HEAD's tree, where no run's pointer is: name the keep ref, whose tree holds them.
      hint: `git lfs fsck ${LFS_KEEP_REF} moves it aside (plain git lfs fsck looks at HEAD only); then tmt get downloads it again from a remote that has it`,
    });
  }
}
