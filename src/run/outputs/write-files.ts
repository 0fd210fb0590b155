/**
 * Writing a run's files into a directory without harm. Every target is
 * checked before the first byte is written: a file (or a link) that exists
 * is refused unless `force`; a directory, a device or a FIFO where a file
 * goes, and anything but a directory where a directory goes, are always
 * refused (nothing is written through a link, so nothing lands outside the
 * directory). Each file is streamed from git into a
 * temporary file beside its target and then linked into place (which fails
 * rather than replace a file that appeared meanwhile) or, with `force`,
 * renamed over it: a failure never leaves a half-written file.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { TmtError } from '../../errors.js';
import { streamBlobs, writeBlobToFile } from '../../git/blob-stream.js';
import { copyObjectTo, lfsSettings } from '../../git/lfs.js';
import { decodeName } from '../../git/names.js';
import type { Repo } from '../../git/repo.js';
import { quoteName } from '../../util/quote-name.js';
import type { OutputFile } from './entries.js';

/** A file and where it goes: `rel` below the directory `root`. */
export interface Placed {
  file: OutputFile;
  rel: Buffer;
}

const SLASH = Buffer.from('/');

/** `root/rel`, as bytes: a stored name need not be UTF-8. */
export function under(root: string, rel: Buffer): Buffer {
  return Buffer.concat([Buffer.from(root), SLASH, rel]);
}

/** Throws WOULD_LOSE_WORK, before anything is written, when a target exists (without `force`) or something is in the way. */
export function checkTargets(root: string, placed: readonly Placed[], force: boolean): void {
  try {
    findInTheWay(root, placed, force);
  } catch (err) {
    throw fileError(err, root);
  }
}

function findInTheWay(root: string, placed: readonly Placed[], force: boolean): void {
  const seen = new Map<string, fs.Stats | undefined>();
  const look = (rel: Buffer) => {
    const key = rel.toString('latin1');
    if (!seen.has(key)) seen.set(key, fs.lstatSync(under(root, rel), { throwIfNoEntry: false }));
    return seen.get(key);
  };
  const inTheWay = new Set<string>();
  const exist: string[] = [];
  for (const { rel } of placed) {
    const dirs = parentsOf(rel);
    const blocked = dirs.find((d) => !look(d)?.isDirectory());
    if (blocked && look(blocked)) inTheWay.add(`${show(blocked)} is ${look(blocked)!.isSymbolicLink() ? 'a symbolic link, which tmt does not write through' : 'not a directory'}`);
    if (blocked) continue; // below a missing directory nothing exists yet
    const st = look(rel);
    if (st?.isDirectory()) inTheWay.add(`${show(rel)} is a directory`);
    // A device, a FIFO or a socket is never replaced (-o /dev/null --force must not swap the device for a file).
    else if (st && !st.isFile() && !st.isSymbolicLink()) inTheWay.add(`${show(rel)} is not a regular file`);
    else if (st) exist.push(show(rel));
  }
  if (inTheWay.size) {
    throw new TmtError('WOULD_LOSE_WORK', `refused: in ${root}, ${list([...inTheWay])}`, { hint: 'move it out of the way, or get the files into another directory with -o' });
  }
  if (exist.length && !force) {
    throw new TmtError('WOULD_LOSE_WORK', `refused: ${exist.length === 1 ? 'a file exists' : `${exist.length} files exist`} in ${root}: ${list(exist)}`, { hint: `--force replaces ${exist.length === 1 ? 'it' : 'them'}` });
  }
}

/** Files this large are written by git straight into their temporary file, one process each; smaller ones share one stream. */
const DIRECT_BYTES = 8 * 1024 * 1024;

/** Streams each file's content from git into its place; the directories on the way are created. */
export async function writeFiles(repo: Repo, root: string, placed: readonly Placed[], force: boolean): Promise<void> {
  const made = new Set<string>();
  let current: { fd: number; temp: Buffer; target: Buffer } | undefined;
  const open = ({ file, rel }: Placed) => {
    const dir = makeDirs(root, rel, made);
    const temp = Buffer.concat([dir, Buffer.from(`/.tmt-get-${process.pid}-${randomBytes(6).toString('hex')}`)]);
    // 'wx': O_EXCL, so not even the temporary name can be a link someone planted.
    current = { fd: fs.openSync(temp, 'wx', file.mode === '100755' ? 0o777 : 0o666), temp, target: under(root, rel) };
  };
  const close = () => {
    const { fd, temp, target } = current!;
    fs.closeSync(fd);
    current = { fd: -1, temp, target };
    settle(temp, target, force);
    current = undefined;
  };
  const streamed = placed.filter((p) => p.file.size < DIRECT_BYTES && !p.file.lfs);
  try {
    await streamBlobs(
      repo,
      streamed.map((p) => p.file.oid),
      { begin: (i) => open(streamed[i]!), data: (chunk) => writeAll(current!.fd, chunk), end: close },
    );
    for (const p of placed.filter((x) => x.file.size >= DIRECT_BYTES && !x.file.lfs)) {
      open(p);
      await writeBlobToFile(repo, p.file.oid, p.file.size, current!.fd);
      close();
    }
    const lfs = placed.filter((x) => x.file.lfs);
    const objectsDir = lfs.length ? (await lfsSettings(repo)).objectsDir : '';
    for (const p of lfs) {
      open(p);
      await copyObjectTo(objectsDir, p.file.lfs!, (chunk) => writeAll(current!.fd, chunk));
      close();
    }
  } catch (err) {
    throw fileError(err, root);
  } finally {
    if (current) {
      if (current.fd >= 0) fs.closeSync(current.fd);
      fs.rmSync(current.temp, { force: true });
    }
  }
}

/** The directories from `root` down to `rel`'s, each made if missing and each checked to be a directory, never a link. */
function makeDirs(root: string, rel: Buffer, made: Set<string>): Buffer {
  let dir: Buffer = Buffer.from(root);
  for (const d of parentsOf(rel)) {
    dir = under(root, d);
    const key = dir.toString('latin1');
    if (made.has(key)) continue;
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.lstatSync(dir).isDirectory()) {
        throw new TmtError('WOULD_LOSE_WORK', `refused: ${show(d)} in ${root} is not a directory (it changed while tmt wrote)`, { hint: 'move it out of the way and get the files again' });
      }
    }
    made.add(key);
  }
  return dir;
}

/** Puts the finished temporary file in place: without `force`, never over a file that exists. */
function settle(temp: Buffer, target: Buffer, force: boolean): void {
  if (force) return fs.renameSync(temp, target);
  try {
    fs.linkSync(temp, target); // fails if the target exists, whatever it is: no race with another writer
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file system without hard links: check, then rename (a small window, as git's own checkout has).
    if (code !== 'EEXIST' && !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'].includes(code ?? '')) throw err;
    if (code === 'EEXIST' || fs.lstatSync(target, { throwIfNoEntry: false })) {
      throw new TmtError('WOULD_LOSE_WORK', `refused: ${quoteName(decodeName(target))} appeared while tmt wrote`, { hint: '--force replaces it' });
    }
    return fs.renameSync(temp, target);
  }
  fs.rmSync(temp);
}

/** A file-system failure as one line that says where (a name too long for the file system, a full disk, a size limit). */
function fileError(err: unknown, root: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof TmtError || typeof e?.code !== 'string') return err;
  const full = ['ENOSPC', 'EDQUOT', 'EFBIG'].includes(e.code);
  return new TmtError(full ? 'NO_SPACE' : 'UNREADABLE_FILE', `cannot write into ${root}: ${e.message}`, {
    hint: full ? 'free some space (or raise the file size limit) and get the files again; no half-written file was left' : 'check the directory and its permissions, or write elsewhere with -o',
    cause: err,
  });
}

function writeAll(fd: number, chunk: Buffer): void {
  for (let at = 0; at < chunk.length; ) at += fs.writeSync(fd, chunk, at);
}

/** `a`, `a/b` for `a/b/c`: the directories a name passes through. */
function parentsOf(rel: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = rel.indexOf(0x2f); at >= 0; at = rel.indexOf(0x2f, at + 1)) out.push(rel.subarray(0, at));
  return out;
}

function show(rel: Buffer): string {
  return quoteName(decodeName(rel));
}

function list(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}
