import { Writable } from 'node:stream';

/**
 * Passes a command's output through with a prefix on every line (`[3] `), so
 * that trials running side by side stay apart on one terminal. Whole lines
 * only: a partial line waits for its end, or for `flush` when the trial ends.
 * Bytes are not decoded, so output that is not UTF-8 passes unharmed.
 */
export class LinePrefixer extends Writable {
  private partial: Buffer = Buffer.alloc(0);

  constructor(
    private readonly target: NodeJS.WritableStream,
    private readonly prefix: string,
  ) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    let data = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    const last = data.lastIndexOf(0x0a);
    if (last < 0) {
      this.partial = data;
      // A line that never ends (a progress bar redrawn with \r) is passed on once it is long, not held forever.
      if (data.length < 64 * 1024) return done();
      this.partial = Buffer.alloc(0);
      return this.send(Buffer.concat([data, Buffer.from('\n')]), done);
    }
    this.partial = Buffer.from(data.subarray(last + 1));
    data = data.subarray(0, last + 1);
    this.send(data, done);
  }

  /** The line left unfinished, ended. */
  flush(): void {
    if (this.partial.length === 0) return;
    const rest = this.partial;
    this.partial = Buffer.alloc(0);
    this.send(Buffer.concat([rest, Buffer.from('\n')]), () => undefined);
  }

  private send(lines: Buffer, done: (err?: Error | null) => void): void {
    const parts: Buffer[] = [];
    let start = 0;
    while (start < lines.length) {
      const end = lines.indexOf(0x0a, start);
      parts.push(Buffer.from(this.prefix), lines.subarray(start, end + 1));
      start = end + 1;
    }
    if (this.target.write(Buffer.concat(parts))) done();
    else this.target.once('drain', () => done());
  }
}
