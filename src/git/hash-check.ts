/**
 * Did a file change while git hashed it? `git update-index` takes a file's
 * stat data before it reads the content and stores both. If the file's stat
 * data is still the same after the read, no write came in between, so the
 * blob is a version the file really had. If it differs, a writer was at work
 * (a training script appending to a log, an editor saving) and the blob may
 * mix two versions: the snapshot reads the file again. A file replaced by
 * another (a new inode: `mv tmp file`, as careful writers save) is not
 * suspect: git read one whole file, the one it replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IndexCursor, parseIndex } from './index-file.js';

const GITLINK = 0o160000;

/** Of `paths` (latin1 strings, as the snapshot keeps them), those whose stat data no longer matches their index entry. */
export function changedSinceHashed(workTree: string, index: Buffer, paths: readonly string[]): string[] {
  const wanted = new Set(paths);
  const changed: string[] = [];
  // The root is UTF-8 text, each name git's raw bytes: joined as strings, one of them would be mis-encoded.
  const root = Buffer.from(workTree + path.sep);
  forEachWanted(index, wanted, (name, head) => {
    if (head.readUInt32BE(24) === GITLINK) return;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(Buffer.concat([root, Buffer.from(name, 'latin1')]));
    } catch {
      changed.push(name); // gone since: the next read drops it, as git add -A would
      return;
    }
    if (!sameStat(st, head)) changed.push(name);
  });
  return changed;
}

function sameStat(st: fs.Stats, head: Buffer): boolean {
  if (head.readUInt32BE(20) !== st.ino % 2 ** 32) return true; // replaced whole, not written in place
  return head.readUInt32BE(36) === st.size % 2 ** 32 && sameTime(head, 8, st.mtimeMs) && sameTime(head, 0, st.ctimeMs);
}

/**
 * Index times are seconds and nanoseconds; a float of milliseconds keeps
 * about a quarter of a microsecond. A git built without sub-second times
 * stores 0 nanoseconds: then only the seconds can be compared.
 */
function sameTime(head: Buffer, at: number, ms: number): boolean {
  const sec = head.readUInt32BE(at);
  const nsec = head.readUInt32BE(at + 4);
  if (nsec === 0) return sec === Math.floor(ms / 1000) % 2 ** 32;
  return Math.abs(sec * 1000 + nsec / 1e6 - ms) < 0.001;
}

/** Visits the entries whose path is one of `wanted`, without making a string of every other path. */
function forEachWanted(index: Buffer, wanted: ReadonlySet<string>, visit: (name: string, head: Buffer) => void): void {
  const c = IndexCursor.open(index);
  if (!c) {
    for (const e of parseIndex(index).entries) {
      const name = e.path.toString('latin1');
      if (wanted.has(name)) visit(name, e.head);
    }
    return;
  }
  const lengths = new Set([...wanted].map((p) => p.length)); // latin1: one char a byte
  while (c.next()) {
    if (!lengths.has(c.pathEnd - c.pathStart)) continue;
    const name = c.buf.toString('latin1', c.pathStart, c.pathEnd);
    if (wanted.has(name)) visit(name, c.buf.subarray(c.at, c.at + 62));
  }
}
