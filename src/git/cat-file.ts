/**
 * Reading many objects through one `git cat-file --batch`. Objects are handed
 * over one by one while git is still reading the rest, so a caller parsing
 * 100,000 notes works on one core while git inflates on the other, and never
 * holds the whole output in memory.
 */
import fs from 'node:fs';
import { git, gitStream } from './exec.js';
import type { Repo } from './repo.js';

/** Receives each object: its index among the specs, its content (undefined: missing) and where the content starts in git's output. */
export type OnObject = (index: number, data: Buffer | undefined, offset: number, type?: string) => void;

/**
 * Calls `onObject` for each of `specs` (object ids or `<rev>:<path>`), in
 * order, with its content; `undefined` for one git cannot find.
 */
export async function streamObjects(repo: Repo, specs: readonly string[], onObject: OnObject): Promise<void> {
  if (specs.length === 0) return;
  const reader = new BatchReader(onObject);
  // --buffer: git flushes when its buffer fills, not after every object.
  await gitStream(['cat-file', '--batch', '--buffer'], { cwd: repo.workTree, input: specs.join('\n') + '\n' }, (chunk) => reader.push(chunk));
}

/**
 * Like streamObjects, but git writes its output into `file` and the objects
 * are read back from it as it grows. A pipe makes git write and tmt wake up
 * 4 KB at a time, which at 100,000 notes costs more than reading them; a
 * file is read a megabyte at a time. The file is left in place: its bytes at
 * each object's `offset` are the object's content. Returns the file's size.
 */
export async function streamObjectsToFile(repo: Repo, specs: readonly string[], file: string, onObject: OnObject): Promise<number> {
  const out = fs.openSync(file, 'w');
  let running = true;
  const done = gitStream(['cat-file', '--batch', '--buffer'], { cwd: repo.workTree, input: specs.length ? specs.join('\n') + '\n' : '' }, { fd: out }).finally(() => {
    running = false;
  });
  // git may fail (a full disk) while this reads on: handled here, thrown by the `await done` below.
  done.catch(() => undefined);
  fs.closeSync(out); // git has its own copy
  const reader = new BatchReader(onObject);
  const fd = fs.openSync(file, 'r');
  let at = 0;
  try {
    for (;;) {
      const more = running; // read after git ended: this read then sees everything
      const buf = Buffer.allocUnsafe(1 << 20);
      const n = fs.readSync(fd, buf, 0, buf.length, at);
      if (n > 0) {
        at += n;
        reader.push(buf.subarray(0, n));
      } else if (more) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      } else break;
    }
  } finally {
    fs.closeSync(fd);
    await done.catch(() => undefined);
  }
  await done;
  return at;
}

/** Reads objects by spec into a map of UTF-8 text; missing ones are left out. */
export async function readBlobs(repo: Repo, specs: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await streamObjects(repo, specs, (i, data) => {
    if (data) out.set(specs[i]!, data.toString('utf8'));
  });
  return out;
}

/** Reads objects by spec as bytes (images and non-UTF-8 text must not be decoded); missing ones are left out. */
export async function readObjects(repo: Repo, specs: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await streamObjects(repo, specs, (i, data) => {
    if (data) out.set(specs[i]!, data);
  });
  return out;
}

/** Objects by spec with their type (commit, tree, blob, tag); missing ones are left out. */
export async function readTypedObjects(repo: Repo, specs: readonly string[]): Promise<Map<string, { type: string; data: Buffer }>> {
  const out = new Map<string, { type: string; data: Buffer }>();
  await streamObjects(repo, specs, (i, data, _offset, type) => {
    if (data) out.set(specs[i]!, { type: type!, data });
  });
  return out;
}

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/** Type and size of each spec, from `git cat-file --batch-check`; specs git does not have are left out. */
export async function objectInfo(repo: Repo, specs: readonly string[]): Promise<Map<string, ObjectInfo>> {
  const out = new Map<string, ObjectInfo>();
  if (specs.length === 0) return out;
  const { stdout } = await git(['cat-file', '--batch-check'], { cwd: repo.workTree, input: specs.join('\n') + '\n' });
  stdout
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const [oid = '', type = '', size] = line.split(' ');
      if (i < specs.length && size !== undefined && type !== 'missing') out.set(specs[i]!, { oid, type, size: Number(size) });
    });
  return out;
}

/**
 * Splits cat-file's output (`<oid> <type> <size>\n<content>\n`, or
 * `<spec> missing\n`) at object boundaries, across chunk boundaries.
 */
class BatchReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes still needed for the current object's content plus its newline; 0 while reading a header. */
  private need = 0;
  private index = 0;
  /** Position in git's output of the first pending byte. */
  private base = 0;
  private type: string | undefined;

  constructor(private readonly onObject: OnObject) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.need > 0 && this.pendingBytes < this.need) return; // a large object: wait for all of it, copy once
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let off = 0;
    for (;;) {
      if (this.need === 0) {
        const nl = buf.indexOf(10, off);
        if (nl < 0) break;
        const header = buf.toString('latin1', off, nl);
        off = nl + 1;
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          this.onObject(this.index++, undefined, this.base + off);
          continue;
        }
        const fields = header.split(' ');
        this.type = fields[1];
        this.need = Number(fields[2]) + 1;
      }
      if (buf.length - off < this.need) break;
      this.onObject(this.index++, buf.subarray(off, off + this.need - 1), this.base + off, this.type);
      off += this.need;
      this.need = 0;
    }
    buf = buf.subarray(off);
    this.base += off;
    this.pending = buf.length ? [buf] : [];
    this.pendingBytes = buf.length;
  }
}
