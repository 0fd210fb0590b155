import { concat, forTerminal, jsonText, type Text } from './terminal-text.js';

/**
 * The CLI's view of the terminal: where text goes and whether colour is allowed.
 * Commands write through this so tests can capture output and pipes never lose it.
 *
 * Escaping is the default here, not a step a command remembers: `out` and
 * `err` spell out the control characters of every string they are given
 * (see terminal-text.ts), so text from a note or a remote cannot drive the
 * terminal, whichever command prints it. Only `Styled` text (tmt's colours)
 * passes as built. `json` and `verbatim` are for output promised exact.
 */
export interface Output {
  /** Text for a person, on stdout. */
  out(text: Text): void;
  /** Text for a person, on stderr: errors, warnings, progress. */
  err(text: Text): void;
  /** A JSON document on stdout (`--json`): JSON escapes control characters itself. */
  json(value: unknown): void;
  /** Exactly these characters on stdout: only for output documented as byte for byte (`show --log`, `-o -`). */
  verbatim(text: string): void;
  /** Exactly these bytes on stdout: a file `tmt get -o -` hands over, which need not be text. Settles once stdout can take more. */
  bytes(chunk: Uint8Array): Promise<void>;
  /** Asks on stderr and reads one line of the answer from stdin. */
  ask(question: Text): Promise<string>;
  color: boolean;
}

/** Where an Output's characters go, after escaping. */
export interface Sinks {
  stdout(text: string): void;
  /** Bytes on stdout, settling once it can take more (a slow reader holds the writer back); default: `stdout`'s way, at once. */
  bytes?(chunk: Uint8Array): Promise<void>;
  stderr(text: string): void;
  ask(question: string): Promise<string>;
  color: boolean;
}

export function makeOutput(sinks: Sinks): Output {
  return {
    out: (text) => sinks.stdout(forTerminal(text)),
    err: (text) => sinks.stderr(forTerminal(text)),
    json: (value) => sinks.stdout(jsonText(value)),
    verbatim: (text) => sinks.stdout(text),
    bytes: sinks.bytes ?? (async (chunk) => sinks.stdout(Buffer.from(chunk).toString('latin1'))),
    ask: (question) => sinks.ask(forTerminal(question)),
    color: sinks.color,
  };
}

/** Output to this process's stdout and stderr; `color` is the terminal context's decision (context.ts). */
export function processOutput(color: boolean): Output {
  // A reader that went away (`tmt ... | head`) is how pipelines end, not a crash: later writes are dropped.
  if (!process.stdout.listeners('error').includes(ignoreClosedPipe)) process.stdout.on('error', ignoreClosedPipe);
  const stdout = process.stdout;
  return makeOutput({
    stdout: (text) => void stdout.write(text),
    // A pipe takes 64 KiB at a time: wait for it to drain (or close: after `| head` the rest is dropped) before the next chunk.
    bytes: (chunk) => (stdout.write(chunk) || stdout.destroyed ? Promise.resolve() : new Promise((resolve) => drained(stdout, resolve))),
    stderr: (text) => void process.stderr.write(text),
    ask: async (question) => {
      const { default: readline } = await import('node:readline/promises');
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    color,
  });
}

export function warn(o: Output, message: Text): void {
  o.err(concat('warning: ', message, '\n'));
}


/** Calls `done` once `stream` drains, closes or fails, whichever comes first. */
function drained(stream: NodeJS.WriteStream, done: () => void): void {
  const events = ['drain', 'close', 'error'] as const;
  const settle = () => {
    for (const e of events) stream.off(e, settle);
    done();
  };
  for (const e of events) stream.on(e, settle);
}

function ignoreClosedPipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
}
