import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/**
 * Copies `source` to the terminal and to a capture file, holding at most one
 * chunk in memory: the source is paused whenever either side pushes back. If
 * the capture file fails (disk full, say) capturing stops and is reported,
 * while the pass-through goes on: the command is never hurt by tmt's trouble.
 */
export class Tee {
  private readonly capture: fs.WriteStream;
  captureError: Error | undefined;
  bytes = 0;
  private readonly done: Promise<void>;

  constructor(source: Readable, passThrough: Writable, captureFile: string) {
    this.capture = fs.createWriteStream(captureFile, { flags: 'a' });
    this.capture.on('error', (err) => {
      this.captureError ??= err;
      source.resume();
    });
    this.done = new Promise((resolve) => {
      source.on('data', (chunk: Buffer) => {
        this.bytes += chunk.length;
        let waiting = 0;
        const release = () => {
          if (--waiting === 0) source.resume();
        };
        if (!passThrough.write(chunk)) {
          waiting++;
          passThrough.once('drain', release);
        }
        if (!this.captureError && !this.capture.write(chunk)) {
          waiting++;
          this.capture.once('drain', release);
          this.capture.once('error', release);
        }
        if (waiting > 0) source.pause();
      });
      source.on('end', resolve);
      source.on('error', resolve);
    });
  }

  /** Resolves once the source has ended and the capture file is closed. */
  async finish(): Promise<void> {
    await this.done;
    await new Promise<void>((resolve) => {
      if (this.capture.destroyed) resolve();
      else this.capture.end(() => resolve());
    });
  }
}
