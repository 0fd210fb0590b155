/**
 * The container format of tmt's run catalog: named sections written one after
 * another, then a JSON footer naming each section's byte range, then a fixed
 * trailer. A reader opens the file, reads the footer and then only the
 * sections a query needs, so listing 100,000 runs by one metric parses that
 * metric's column, not every run's metadata.
 *
 *   <section bytes>...  <footer JSON>  <footer length: 10 decimal digits> "TMTCAT1\n"
 *
 * Files are written to a temporary name and renamed into place, so a reader
 * sees a whole file or none. They are never modified after that. A catalog
 * can also live in memory only (SectionWriter.inMemory), for a disk that
 * takes no more writes.
 */
import fs from 'node:fs';

const MAGIC = 'TMTCAT1\n';
const TRAILER = 10 + MAGIC.length;

interface Footer {
  sections: Record<string, [offset: number, length: number]>;
  meta: Record<string, unknown>;
}

export class SectionWriter {
  /** undefined: in memory, into `written`. */
  private readonly fd: number | undefined;
  private readonly written: Buffer[] = [];
  private offset = 0;
  private readonly sections: Footer['sections'] = {};
  private streaming: { name: string; start: number } | undefined;
  /** Small writes are gathered: a note at a time would be 100,000 system calls. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly tmpFile: string | undefined,
    adopt?: string,
  ) {
    this.fd = tmpFile === undefined ? undefined : fs.openSync(tmpFile, adopt ? 'a' : 'w');
    if (adopt && this.fd !== undefined) {
      this.offset = fs.fstatSync(this.fd).size;
      this.sections[adopt] = [0, this.offset];
    }
  }

  /** A writer that keeps everything in memory: `finishInMemory` gives the catalog's bytes. */
  static inMemory(): SectionWriter {
    return new SectionWriter(undefined);
  }

  /** A writer that keeps what `tmpFile` holds already as the section `name` and appends the rest. */
  static adopt(tmpFile: string, name: string): SectionWriter {
    return new SectionWriter(tmpFile, name);
  }

  /** Writes a whole section. */
  section(name: string, data: string | Buffer): void {
    this.begin(name);
    this.append(data);
    this.end();
  }

  /** Writes a section as JSON. */
  json(name: string, value: unknown): void {
    this.section(name, JSON.stringify(value));
  }

  /** Starts a section written piece by piece with `append`. */
  begin(name: string): void {
    this.streaming = { name, start: this.offset };
  }

  /** Appends to the open section; returns the piece's offset within the section. */
  append(data: string | Buffer): number {
    const at = this.offset - this.streaming!.start;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.offset += buf.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
    return at;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    if (this.fd === undefined) this.written.push(data);
    else fs.writeSync(this.fd, data);
    this.pending = [];
    this.pendingBytes = 0;
  }

  end(): void {
    const s = this.streaming!;
    this.sections[s.name] = [s.start, this.offset - s.start];
    this.streaming = undefined;
  }

  /** Writes the footer and moves the file to `target`. */
  finish(target: string, meta: Record<string, unknown>): void {
    this.flush();
    const fd = this.fd!;
    for (const part of this.footer(meta)) fs.writeSync(fd, part);
    fs.closeSync(fd);
    fs.renameSync(this.tmpFile!, target);
  }

  /** The whole catalog, footer included, for SectionReader.fromBuffer. */
  finishInMemory(meta: Record<string, unknown>): Buffer {
    this.flush();
    return Buffer.concat([...this.written, ...this.footer(meta)]);
  }

  private footer(meta: Record<string, unknown>): Buffer[] {
    const footer = Buffer.from(JSON.stringify({ sections: this.sections, meta } satisfies Footer), 'utf8');
    return [footer, Buffer.from(String(footer.length).padStart(10, '0') + MAGIC, 'latin1')];
  }

  /** Gives up: the temporary file is removed. */
  abandon(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(this.tmpFile!, { force: true });
  }
}

/** Where a reader's bytes are: an open file, or a buffer. */
type Source = { fd: number } | { buf: Buffer };

export class SectionReader {
  private constructor(
    private readonly source: Source,
    private readonly footer: Footer,
  ) {}

  /** Opens a catalog file; undefined when it is missing, truncated or not one. */
  static open(file: string): SectionReader | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return undefined;
    }
    const reader = SectionReader.from({ fd }, () => fs.fstatSync(fd).size);
    if (!reader) fs.closeSync(fd);
    return reader;
  }

  /** A catalog kept in memory (SectionWriter.finishInMemory). */
  static fromBuffer(buf: Buffer): SectionReader | undefined {
    return SectionReader.from({ buf }, () => buf.length);
  }

  private static from(source: Source, size: () => number): SectionReader | undefined {
    try {
      const n = size();
      if (n < TRAILER) throw new Error('short');
      const trailer = readAt(source, n - TRAILER, TRAILER).toString('latin1');
      if (!trailer.endsWith(MAGIC)) throw new Error('no trailer');
      const length = Number(trailer.slice(0, 10));
      if (!Number.isInteger(length) || length > n - TRAILER) throw new Error('bad footer length');
      const footer = JSON.parse(readAt(source, n - TRAILER - length, length).toString('utf8')) as Footer;
      if (!footer.sections || !footer.meta) throw new Error('bad footer');
      return new SectionReader(source, footer);
    } catch {
      return undefined;
    }
  }

  get meta(): Record<string, unknown> {
    return this.footer.meta;
  }

  has(name: string): boolean {
    return name in this.footer.sections;
  }

  names(): string[] {
    return Object.keys(this.footer.sections);
  }

  /** A section's bytes, or a range within it. */
  bytes(name: string, start = 0, end?: number): Buffer {
    const [offset, length] = this.footer.sections[name] ?? [0, 0];
    const stop = Math.min(end ?? length, length);
    return readAt(this.source, offset + start, Math.max(0, stop - start));
  }

  /** A section of doubles, in the byte order of the machine that wrote it (the caller checks). */
  float64(name: string): Float64Array {
    const [offset, length] = this.footer.sections[name] ?? [0, 0];
    const out = new Float64Array(length / 8);
    readInto(this.source, new Uint8Array(out.buffer), offset);
    return out;
  }

  json<T>(name: string): T {
    return JSON.parse(this.bytes(name).toString('utf8')) as T;
  }

  close(): void {
    if ('fd' in this.source) fs.closeSync(this.source.fd);
  }
}

function readAt(source: Source, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  readInto(source, buf, position);
  return buf;
}

function readInto(source: Source, buf: Uint8Array, position: number): void {
  if ('buf' in source) {
    if (position + buf.length > source.buf.length) throw new Error('unexpected end of file');
    buf.set(source.buf.subarray(position, position + buf.length));
    return;
  }
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(source.fd, buf, done, buf.length - done, position + done);
    if (n === 0) throw new Error('unexpected end of file');
    done += n;
  }
}
