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
import type { Terminal } from './context.js';

/** How a delivery ended: git's output was read (or the reader quit early, which is not a failure), or Ctrl-C stopped git. */
export type Delivery = 'done' | 'interrupted';

/** Writes `stream` to stdout, or into `pager` (started with the terminal's environment and width); resolves after git and the pager have exited. */
export async function deliver(stream: GitPipe, pager: string | undefined, term: Pick<Terminal, 'env' | 'width'>): Promise<Delivery> {
  if (!pager) {
    await pipeInto(stream, process.stdout, false);
    await stream.done;
    return 'done';
  }
  const env = { ...term.env, LESS: term.env.LESS ?? 'FRX', LV: term.env.LV ?? '-c', ...(term.width ? { COLUMNS: String(term.width) } : {}) };
  const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Ctrl-C belongs to the pager (less uses it to stop searching); tmt waits for the pager like git does.
  const keepRunning = () => undefined;
  process.on('SIGINT', keepRunning);
  try {
    // Node does not always report a write error when the pager exits (it may just destroy stdin), so its exit also ends the pipe.
    await pipeInto(stream, child.stdin, true, exited);
    const outcome = await stream.done.then(
      (r) => ({ signal: r.signal, failure: undefined }),
      (err: unknown) => ({ signal: null, failure: err }),
    );
    await exited;
    if (outcome.failure) throw outcome.failure;
    // Git died of the Ctrl-C that the pager ignored: the user stopped it; like git, say so by the exit code once the pager is closed.
    return outcome.signal === 'SIGINT' ? 'interrupted' : 'done';
  } finally {
    process.off('SIGINT', keepRunning);
  }
}

/** Pipes git's output into `dest`; resolves at its end, or once the reader is gone (an EPIPE, or `gone` settling). */
function pipeInto(stream: GitPipe, dest: Writable, end: boolean, gone?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (!settled) resolve();
      settled = true;
    };
    // The reader left: stop git and drain what it already wrote, so its stdout ends. The listener stays, so a late error is harmless.
    const readerGone = () => {
      if (settled) return;
      stream.stdout.unpipe(dest);
      stream.kill();
      stream.stdout.resume();
      finish();
    };
    dest.on('error', readerGone);
    void gone?.then(readerGone);
    stream.stdout.once('end', finish);
    stream.stdout.pipe(dest, { end });
  });
}
