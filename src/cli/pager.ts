/**
 * Delivering a long output the way git does: on a terminal, through the
 * user's pager (started through the shell, with LESS=FRX and LV=-c unless
 * they are set, so a short diff prints and exits, and colours pass through);
 * otherwise straight to stdout. A reader that quits early (q in less,
 * `| head`) stops git quietly.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { GitPipe } from '../git/exec.js';

/** Writes `stream` to stdout, or into `pager`; resolves after git and the pager have exited. */
export async function deliver(stream: GitPipe, pager: string | undefined, columns?: number): Promise<void> {
  if (!pager) {
    await pipeInto(stream, process.stdout, false);
    await stream.done;
    return;
  }
  const env = { ...process.env, LESS: process.env.LESS ?? 'FRX', LV: process.env.LV ?? '-c', ...(columns ? { COLUMNS: String(columns) } : {}) };
  const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Ctrl-C belongs to the pager (less uses it to stop searching); tmt waits for the pager like git does.
  const keepRunning = () => undefined;
  process.on('SIGINT', keepRunning);
  try {
    await pipeInto(stream, child.stdin, true);
    const failure = await stream.done.then(
      () => undefined,
      (err: unknown) => err,
    );
    await exited;
    if (failure) throw failure;
  } finally {
    process.off('SIGINT', keepRunning);
  }
}

function pipeInto(stream: GitPipe, dest: Writable, end: boolean): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (!settled) resolve();
      settled = true;
    };
    // EPIPE: the reader is gone. Stop git and drain what it already wrote. The listener stays, so a late error is harmless.
    dest.on('error', () => {
      if (settled) return;
      stream.stdout.unpipe(dest);
      stream.kill();
      stream.stdout.resume();
      finish();
    });
    stream.stdout.once('end', finish);
    stream.stdout.pipe(dest, { end });
  });
}
