import type { Output } from './output.js';
import { meter } from './terminal-text.js';

/** Progress for long transfers on stderr: git's own meters on a terminal, plain lines otherwise; none with -q. */
export function progressFor(out: Output, quiet: boolean, tty: boolean) {
  if (quiet) return undefined;
  return { tty, line: (text: string) => out.err(`${text}\n`), raw: (chunk: Buffer) => out.err(meter(chunk.toString('utf8'))) };
}
