import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import type { OutputRequest } from '../../run/outputs/entries.js';
import { getOutputs } from '../../run/outputs/get.js';
import { quoteName } from '../../util/quote-name.js';
import { EXIT } from '../exit-codes.js';
import { progressFor } from '../progress.js';
import type { GetFlags } from '../commands/get.js';
import type { Context } from '../context.js';
import { warn, type Output } from '../output.js';

export type GetCommandOptions = GetFlags & { cwd: string; run: string; artifacts: string[] };

export async function getCommand(opts: GetCommandOptions, { out, term }: Context): Promise<number> {
  const what = requestOf(opts);
  // A log or metrics.jsonl is a stream: to stdout unless -o says where; an artifact is a file.
  const toStdout = opts.output === '-' || (opts.output === undefined && !('artifacts' in what) && !('all' in what));
  if (toStdout && opts.json) {
    throw new TmtError('BAD_ARGUMENT', '--json and stdout: the file itself goes to stdout', { hint: 'write it to a file with -o FILE; --json then says what was written' });
  }
  const repo = await openRepo({ cwd: opts.cwd });
  const sink = toStdout ? stdoutSink(out, term.stdout) : undefined;
  const got = await getOutputs({ repo, run: opts.run, what, cwd: opts.cwd, output: toStdout ? undefined : opts.output, write: sink?.write, force: opts.force, remote: opts.remote, progress: progressFor(out, opts.json === true, term.stderr) });
  sink?.end();
  for (const l of got.leftOut) warn(out, `left out ${quoteName(l.name)}: ${l.reason}`);
  if (opts.json) out.json({ schemaVersion: 1, run: got.run, files: got.files, leftOut: got.leftOut });
  else if (!toStdout) out.out(got.files.map((f) => `${quoteName(shown(f.path, opts.cwd))}\n`).join(''));
  return EXIT.OK;
}

/** What the operands and flags ask for: exactly one of artifact names, --all, --log or --metrics. */
function requestOf(opts: GetCommandOptions): OutputRequest {
  const asked = [opts.artifacts.length ? 'artifact names' : '', opts.all ? '--all' : '', opts.log !== undefined ? '--log' : '', opts.metrics ? '--metrics' : ''].filter(Boolean);
  if (asked.length > 1) throw new TmtError('BAD_ARGUMENT', `${asked.join(' and ')} exclude one another`, { hint: 'one tmt get for each' });
  if (opts.log !== undefined) {
    if (opts.log !== 'stdout' && opts.log !== 'stderr') throw new TmtError('BAD_ARGUMENT', `--log: expected stdout or stderr, got "${opts.log}"`, { hint: `tmt get ${opts.run} --log stdout` });
    return { log: opts.log };
  }
  if (opts.metrics) return { metrics: true };
  if (opts.all) return { all: true };
  if (!opts.artifacts.length) throw new TmtError('BAD_ARGUMENT', 'name the artifacts to get, or give --all, --log or --metrics', { hint: `tmt show ${opts.run} lists its artifacts` });
  return { artifacts: opts.artifacts };
}

/**
 * `-o -`: the bytes as stored into a pipe or a file. A terminal gets the text
 * with control characters spelled out, as every other output: a file from a
 * fetched run must not drive the terminal.
 */
function stdoutSink(out: Output, terminal: boolean): { write: (chunk: Buffer) => void | Promise<void>; end: () => void } {
  if (!terminal) return { write: (chunk) => out.bytes(chunk), end: () => undefined };
  const decoder = new StringDecoder('utf8');
  return { write: (chunk) => out.out(decoder.write(chunk)), end: () => out.out(decoder.end()) };
}

/** A written path as the user would type it: relative when it is below the current directory. */
function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) ? rel : file;
}
