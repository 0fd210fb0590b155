/**
 * Blobs handed out piece by piece as git writes them, through one
 * `git cat-file --batch` for all of them: a multi-gigabyte artifact passes
 * through in pipe-sized chunks and never sits in memory whole (cat-file.ts
 * hands over whole objects, which suits notes, not checkpoints). A sink that
 * returns a promise holds git back until it settles (a slow reader on stdout).
 */
import fs from 'node:fs';
import { TmtError } from '../errors.js';
import { GitCommandError, gitPipe, gitStream } from './exec.js';
import type { Repo } from './repo.js';

/** Receives each blob in order: its start, its bytes in chunks, its end. A sink that throws stops git. */
export interface BlobSink {
  begin(index: number, size: number): void;
  data(chunk: Buffer): void | Promise<void>;
  end(index: number): void;
}

/** Streams the blobs `oids` (in order) into `sink`. A missing object or one that is not a blob is an error. */
export async function streamBlobs(repo: Repo, oids: readonly string[], sink: BlobSink): Promise<void> {
  if (oids.length === 0) return;
  const pipe = gitPipe(['cat-file', '--batch'], { cwd: repo.workTree, input: oids.join('\n') + '\n' });
  pipe.done.catch(() => undefined); // handled below; git failing while chunks are still being read must not go unhandled
  const splitter = new BlobSplitter(sink);
  try {
    for await (const chunk of pipe.stdout) await splitter.push(chunk as Buffer);
  } catch (err) {
    pipe.kill();
    await pipe.done.catch(() => undefined);
    throw err;
  }
  await pipe.done;
  if (splitter.count !== oids.length) throw new TmtError('GIT_FAILED', `git cat-file ended after ${splitter.count} of ${oids.length} objects`);
}

/**
 * One blob written by git itself into `fd` (an open regular file): the bytes
 * never pass through Node, which for a checkpoint of gigabytes is most of the
 * time saved. Checks that all `size` bytes arrived.
 */
export async function writeBlobToFile(repo: Repo, oid: string, size: number, fd: number): Promise<void> {
  let failed: unknown;
  await gitStream(['cat-file', 'blob', oid], { cwd: repo.workTree }, { fd }).catch((err: unknown) => (failed = err));
  const written = fs.fstatSync(fd).size;
  if (failed === undefined && written === size) return;
  // git exiting on its own (not killed by a signal) said why itself: its words are the error.
  if (failed instanceof GitCommandError && failed.exitCode !== -1 && !/No space left|File too large|Disk quota/i.test(failed.stderr)) throw failed;
  // git writes straight into the file, so a full disk or a file size limit stops git itself (SIGXFSZ, or ENOSPC on its side).
  throw new TmtError('NO_SPACE', `git stopped after writing ${written} of the ${size} bytes of object ${oid.slice(0, 12)}: the disk is full or a file size limit was reached`, {
    hint: 'free some space (or raise the file size limit) and get the files again; no half-written file was left',
    cause: failed,
  });
}

/**
 * The last `maxBytes` of the blob at `<rev>:<path>` and its whole size, or
 * undefined when there is none. Only the tail is kept while git streams the
 * rest past: a run's log may be gigabytes.
 */
export async function readBlobTail(repo: Repo, rev: string, file: string, maxBytes: number): Promise<{ tail: Buffer; size: number } | undefined> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let size = 0;
  const { code } = await gitStream(['cat-file', 'blob', '--end-of-options', `${rev}:${file}`], { cwd: repo.workTree, okCodes: [128] }, (chunk) => {
    size += chunk.length;
    kept.push(chunk);
    keptBytes += chunk.length;
    while (kept.length > 1 && keptBytes - kept[0]!.length >= maxBytes) keptBytes -= kept.shift()!.length;
  });
  if (code !== 0) return undefined;
  const all = Buffer.concat(kept);
  return { tail: all.subarray(Math.max(0, all.length - maxBytes)), size };
}

/** Cuts cat-file's `<oid> <type> <size>\n<content>\n` records out of chunks, wherever the chunks end. */
class BlobSplitter {
  count = 0;
  private header: Buffer[] = [];
  /** Content bytes still to come; -1 while reading a header. */
  private left = -1;

  constructor(private readonly sink: BlobSink) {}

  async push(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      if (this.left < 0) {
        const nl = chunk.indexOf(10, at);
        this.header.push(chunk.subarray(at, nl < 0 ? chunk.length : nl));
        if (nl < 0) return;
        at = nl + 1;
        this.begin(Buffer.concat(this.header).toString('latin1'));
        this.header = [];
      } else if (this.left === 0) {
        at++; // the newline after the content
        this.left = -1;
        this.sink.end(this.count++);
      } else {
        const n = Math.min(this.left, chunk.length - at);
        await this.sink.data(chunk.subarray(at, at + n));
        at += n;
        this.left -= n;
      }
    }
  }

  private begin(header: string): void {
    const [oid = '', type, size] = header.split(' ');
    if (type === 'missing') {
      throw new TmtError('MISSING_OBJECTS', `object ${oid.slice(0, 12)} is not in this repository`, { hint: 'get the run in full with tmt fetch', data: { object: oid } });
    }
    if (type !== 'blob') throw new TmtError('GIT_FAILED', `object ${oid.slice(0, 12)} is a ${type}, not a file's content`, { data: { object: oid } });
    this.left = Number(size);
    this.sink.begin(this.count, this.left);
  }
}

/**
 * The first `maxBytes` of the blob at `<rev>:<path>` (git is stopped there, so
 * a crafted blob from another clone costs no more), or undefined when there is none.
 */
export async function readBlobHead(repo: Repo, rev: string, file: string, maxBytes: number): Promise<Buffer | undefined> {
  const kept: Buffer[] = [];
  let size = 0;
  const stop = new AbortController();
  try {
    const { code } = await gitStream(['cat-file', 'blob', '--end-of-options', `${rev}:${file}`], { cwd: repo.workTree, okCodes: [128], signal: stop.signal }, (chunk) => {
      if (size >= maxBytes) return;
      kept.push(chunk.subarray(0, maxBytes - size));
      size += chunk.length;
      if (size >= maxBytes) stop.abort();
    });
    return code === 0 ? Buffer.concat(kept) : undefined;
  } catch (err) {
    if (stop.signal.aborted) return Buffer.concat(kept);
    throw err;
  }
}
