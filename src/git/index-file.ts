/**
 * Reader and writer for git's index file (Documentation/gitformat-index.txt),
 * limited to what the snapshot stat cache needs: entries with their stat data
 * kept byte-for-byte, so that git trusts them exactly as it trusted the source.
 *
 * Entry layout (v2/v3): 40 bytes of stat data, 20-byte object id, 2 bytes of
 * flags, 2 more flag bytes in v3 when the extended bit is set, the path, then
 * 1-8 NULs so the entry length is a multiple of 8. v4 drops the padding and
 * prefix-compresses paths. Extensions follow the entries; a SHA-1 trails.
 */
import { createHash } from 'node:crypto';

const SIGNATURE = 0x44495243; // "DIRC"
const HEAD_LEN = 62; // stat (40) + oid (20) + flags (2), SHA-1 repos only
const FLAG_EXTENDED = 0x4000;
const NAME_MASK = 0x0fff;

export interface IndexEntry {
  /** Path bytes exactly as stored (git paths are bytes, not strings). */
  path: Buffer;
  /** Stat data, object id and flags: the first 62 bytes of the on-disk entry. */
  head: Buffer;
  /** v3 extended flags, when present. */
  extended?: number;
}

export interface ParsedIndex {
  version: number;
  entries: IndexEntry[];
  /** Extension signatures present, e.g. TREE, UNTR, link, sdir. */
  extensions: string[];
}

export class UnsupportedIndexError extends Error {}

/** Parses an index buffer. Throws UnsupportedIndexError for formats tmt will not merge. */
export function parseIndex(buf: Buffer): ParsedIndex {
  if (buf.length < 32 || buf.readUInt32BE(0) !== SIGNATURE) throw new UnsupportedIndexError('not an index file');
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) throw new UnsupportedIndexError(`index version ${version}`);
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = new Array(count);
  const end = buf.length - 20;
  let off = 12;
  let prev: Buffer = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    if (off + HEAD_LEN > end) throw new UnsupportedIndexError('truncated index');
    const head = buf.subarray(off, off + HEAD_LEN);
    const flags = buf.readUInt16BE(off + 60);
    let p = off + HEAD_LEN;
    let extended: number | undefined;
    if (flags & FLAG_EXTENDED) {
      if (p + 2 > end) throw new UnsupportedIndexError('truncated index');
      extended = buf.readUInt16BE(p);
      p += 2;
    }
    let path: Buffer;
    if (version === 4) {
      let strip = 0;
      let shift = 0;
      let byte: number;
      // git's v4 varint: 7 bits per byte with an "add one" on continuation.
      do {
        byte = buf[p++]!;
        strip = shift === 0 ? byte & 0x7f : ((strip + 1) << 7) | (byte & 0x7f);
        shift += 7;
      } while (byte & 0x80);
      const nul = buf.indexOf(0, p);
      if (nul < 0 || nul > end || strip > prev.length) throw new UnsupportedIndexError('truncated index');
      path = Buffer.concat([prev.subarray(0, prev.length - strip), buf.subarray(p, nul)]);
      off = nul + 1;
    } else {
      const nul = buf.indexOf(0, p);
      if (nul < 0 || nul > end) throw new UnsupportedIndexError('truncated index');
      path = buf.subarray(p, nul);
      off += (nul - off + 8) & ~7;
    }
    entries[i] = extended === undefined ? { path, head } : { path, head, extended };
    prev = path;
  }
  if (off > end) throw new UnsupportedIndexError('truncated index');
  const extensions: string[] = [];
  while (off + 8 <= end) {
    extensions.push(buf.toString('latin1', off, off + 4));
    off += 8 + buf.readUInt32BE(off + 4);
  }
  return { version, entries, extensions };
}

/**
 * Forward cursor over a v2/v3 index, allocation-free: fields are read in place
 * from `buf` at `at` (the entry head) and `pathStart..pathEnd`.
 */
export class IndexCursor {
  readonly count: number;
  private index = -1;
  at = 12;
  pathStart = 0;
  pathEnd = 0;

  private constructor(readonly buf: Buffer) {
    this.count = buf.readUInt32BE(8);
  }

  /** A cursor, or undefined for index versions it cannot walk (v4). */
  static open(buf: Buffer): IndexCursor | undefined {
    if (buf.length < 32 || buf.readUInt32BE(0) !== SIGNATURE) throw new UnsupportedIndexError('not an index file');
    const version = buf.readUInt32BE(4);
    return version === 2 || version === 3 ? new IndexCursor(buf) : undefined;
  }

  /** Moves to the next entry; false at the end. */
  next(): boolean {
    if (this.index >= 0) this.at += (this.pathEnd - this.at + 8) & ~7;
    if (++this.index >= this.count) return false;
    const end = this.buf.length - 20;
    if (this.at + HEAD_LEN + 2 > end) throw new UnsupportedIndexError('truncated index');
    const flags = this.buf.readUInt16BE(this.at + 60);
    this.pathStart = this.at + HEAD_LEN + (flags & FLAG_EXTENDED ? 2 : 0);
    this.pathEnd = this.buf.indexOf(0, this.pathStart);
    if (this.pathEnd < 0 || this.pathEnd > end) throw new UnsupportedIndexError('truncated index');
    return true;
  }

  get done(): boolean {
    return this.index >= this.count;
  }

  comparePath(other: IndexCursor): number {
    return this.buf.compare(other.buf, other.pathStart, other.pathEnd, this.pathStart, this.pathEnd);
  }

  path(): Buffer {
    return this.buf.subarray(this.pathStart, this.pathEnd);
  }

  mode(): number {
    return this.buf.readUInt32BE(this.at + 24);
  }

  /** Flags that change what `git add -A` does with an entry: assume-valid, stage, and the v3 extended flags. */
  semanticFlags(): number {
    const flags = this.buf.readUInt16BE(this.at + 60);
    const extended = flags & FLAG_EXTENDED ? this.buf.readUInt16BE(this.at + HEAD_LEN) : 0;
    return ((flags & 0xb000) << 16) | extended;
  }
}

/** File size recorded in the entry's stat data (git truncates it to 32 bits). */
export function entrySize(e: IndexEntry): number {
  return e.head.readUInt32BE(36);
}

/** Stage number (0 for a merged entry). */
export function entryStage(e: IndexEntry): number {
  return (e.head.readUInt16BE(60) >> 12) & 3;
}

/** Serialises entries (already in git's order) as a v2 or v3 index with no extensions. */
export function writeIndex(entries: readonly IndexEntry[]): Buffer {
  const version = entries.some((e) => e.extended !== undefined) ? 3 : 2;
  let size = 12;
  for (const e of entries) size += entryLength(e);
  const out = Buffer.alloc(size + 20);
  out.writeUInt32BE(SIGNATURE, 0);
  out.writeUInt32BE(version, 4);
  out.writeUInt32BE(entries.length, 8);
  let off = 12;
  for (const e of entries) {
    e.head.copy(out, off, 0, 60);
    let flags = e.head.readUInt16BE(60) & ~(NAME_MASK | FLAG_EXTENDED);
    flags |= Math.min(e.path.length, NAME_MASK);
    if (e.extended !== undefined) flags |= FLAG_EXTENDED;
    out.writeUInt16BE(flags, off + 60);
    let p = off + HEAD_LEN;
    if (e.extended !== undefined) {
      out.writeUInt16BE(e.extended, p);
      p += 2;
    }
    e.path.copy(out, p);
    off += entryLength(e); // padding bytes are already zero
  }
  createHash('sha1').update(out.subarray(0, size)).digest().copy(out, size);
  return out;
}

function entryLength(e: IndexEntry): number {
  const raw = HEAD_LEN + (e.extended === undefined ? 0 : 2) + e.path.length;
  return (raw + 8) & ~7;
}

/** git's index order: path bytes, then stage. */
export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return Buffer.compare(a.path, b.path) || entryStage(a) - entryStage(b);
}
