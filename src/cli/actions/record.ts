import fs from 'node:fs';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { paramsFromArgv } from '../../run/record/argv-params.js';
import { readParamsFile } from '../../run/record/params-file.js';
import { recordRun, type RecordOptions, type RecordResult } from '../../run/record/record.js';
import { parseAssignments } from '../../run/note/values.js';
import { formatDuration, paint, statusColor } from '../render/format.js';
import type { RecordFlags } from '../commands/record.js';
import type { Context } from '../context.js';
import { warn, type Output } from '../output.js';
import { styled } from '../terminal-text.js';
import { warnSnapshot } from '../render/snapshot-warnings.js';
import { parseSize } from '../../util/parse-size.js';

export interface RecordCommandOptions extends RecordFlags {
  cwd: string;
  command: string[];
  /** Whether the user separated the command with `--`. */
  dashDash: boolean;
  /** tmt's own record flags (`-n`, `--name`, ...): seen after the command without `--`, they make the line ambiguous. */
  ownFlags: readonly string[];
}

export async function recordCommand(opts: RecordCommandOptions, { out, term }: Context): Promise<number> {
  if (opts.command.length === 0) {
    throw new TmtError('BAD_ARGUMENT', 'no command to record', { hint: 'tmt record [options] -- <command> [args...], e.g. tmt record -- python train.py --lr 0.01' });
  }
  if (!opts.dashDash) {
    const clash = opts.command.slice(1).find((a) => opts.ownFlags.includes(a.replace(/=.*/, '')));
    if (clash) {
      throw new TmtError('BAD_ARGUMENT', `ambiguous command line: "${clash}" after the command could be meant for tmt or for ${opts.command[0]}`, {
        hint: `put tmt's options first and -- before the command: tmt record [options] -- ${opts.command.join(' ')}`,
      });
    }
  }
  const params = {
    ...(opts.paramsFile ? await readParamsFile(opts.paramsFile) : {}),
    ...paramsFromArgv(opts.command),
    ...parseAssignments(opts.param, '--param'),
  };
  const maxFileSize = parseSize(opts.maxFileSize, '--max-file-size');
  const repo = await openRepo({ cwd: opts.cwd });
  const result = await recordRun({
    repo,
    argv: opts.command,
    cwd: opts.cwd,
    name: opts.name,
    description: opts.description,
    tags: opts.tag,
    params,
    captureEnv: opts.env,
    ...commandTerminal({ term }, { noPty: opts.noPty }),
    noCache: opts.noCache,
    maxFileSize,
    onStart: (id, snap) => {
      warnSnapshot(out, snap, opts.maxFileSize);
      if (!opts.quiet) out.err(paint(out.color, 'dim', `tmt: recording run ${id}\n`));
    },
  });
  reportRunEnd(out, result, opts.quiet);
  return result.exitCode;
}

/**
 * How a recorded command meets the terminal: its streams, interrupts, a pty,
 * and `tmt` on its PATH. `outputToStderr`: the command's stdout goes to ours
 * stderr, keeping stdout for a result (`--json`), and then never through a pty.
 */
export function commandTerminal({ term }: Pick<Context, 'term'>, opts: { noPty: boolean; outputToStderr?: boolean }): Pick<RecordOptions, 'stdout' | 'stderr' | 'signals' | 'forwardInterrupt' | 'pty' | 'self'> {
  return {
    stdout: opts.outputToStderr ? process.stderr : process.stdout,
    stderr: process.stderr,
    signals: process,
    // On a terminal, Ctrl-C already reaches the whole process group.
    forwardInterrupt: !term.stdin,
    pty: term.stdout && term.stdin && !opts.noPty && !opts.outputToStderr && hasScript(term.env),
    self: [process.execPath, ...process.execArgv, process.argv[1]!],
  };
}

/** The warnings and the one closing line of a recorded run. */
export function reportRunEnd(out: Output, result: RecordResult, quiet: boolean): void {
  for (const w of result.warnings) warn(out, w);
  if (quiet) return;
  const m = result.meta;
  const status = paint(out.color, statusColor(m.status), m.status);
  const why = m.failure ? ` (${m.failure})` : m.exitCode ? ` (exit ${m.exitCode})` : '';
  out.err(styled`tmt: run ${result.id.slice(0, 12)} ${status}${why} in ${formatDuration(m.durationMs)}\n`);
}

/** util-linux `script` gives the command a terminal of its own; without it, pipes it is. */
function hasScript(env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(':').some((dir) => dir && fs.existsSync(`${dir}/script`));
}
