/**
 * The CLI's view of the terminal: where text goes and whether colour is allowed.
 * Commands write through this so tests can capture output and pipes never lose it.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export function processOutput(): Output {
  // A reader that went away (`tmt ... | head`) is how pipelines end, not a crash: later writes are dropped.
  if (!process.stdout.listeners('error').includes(ignoreClosedPipe)) process.stdout.on('error', ignoreClosedPipe);
  const color = !!process.stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color,
  };
}

export function warn(o: Output, message: string): void {
  o.err(`warning: ${message}\n`);
}

/** Runs a filter could not judge because their notes cannot be read: counted, never dropped silently. */
export function warnUnreadableLeftOut(o: Output, n: number): void {
  if (n > 0) warn(o, `left out ${n} run${n === 1 ? '' : 's'} whose note cannot be read; tmt list --status unreadable shows ${n === 1 ? 'it' : 'them'}`);
}

/** A field no run has: most likely a typo, and sometimes we can tell what was meant. */
export function unknownFieldWarning(f: { field: string; meant?: string }): string {
  return f.meant ? `no run has ${f.field}: ${f.meant}` : `no run has ${f.field} (a typo?)`;
}

function ignoreClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
}
