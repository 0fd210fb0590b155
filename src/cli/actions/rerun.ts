import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { parseAssignments } from '../../run/note/values.js';
import type { CheckResult } from '../../run/rerun/check.js';
import { rerunRun } from '../../run/rerun/rerun.js';
import type { RerunFlags } from '../commands/rerun.js';
import type { Context } from '../context.js';
import { warn, type Output } from '../output.js';
import { formatValue, paint } from '../render/format.js';
import { renderTable } from '../render/table.js';
import { styled } from '../terminal-text.js';
import { commandTerminal, reportRunEnd } from './record.js';

export interface RerunCommandOptions extends RerunFlags {
  cwd: string;
  run: string;
}

export async function rerunCommand(opts: RerunCommandOptions, ctx: Context): Promise<number> {
  const { out } = ctx;
  // As written: the command line gets the text, not a number's reading of it.
  const set = Object.entries(parseAssignments(opts.param, '--param', (text) => text)) as Array<[string, string]>;
  const tolerance = opts.check ? { rtol: parseTolerance(opts.rtol, '--rtol'), atol: parseTolerance(opts.atol, '--atol') } : undefined;
  if (!opts.check && (opts.rtol !== '0' || opts.atol !== '0')) {
    throw new TmtError('BAD_ARGUMENT', '--rtol and --atol only mean something with --check', { hint: `tmt rerun ${opts.run} --check --rtol ${opts.rtol}` });
  }
  if (opts.inPlace && (opts.link.length || opts.noLink || opts.keep)) {
    throw new TmtError('BAD_ARGUMENT', '--in-place runs in your working tree: --link, --no-link and --keep are for the worktree it otherwise runs in', { hint: 'drop one of them' });
  }
  if (opts.noLink && opts.link.length) throw new TmtError('BAD_ARGUMENT', '--link and --no-link cannot be combined', { hint: 'pick one' });
  const repo = await openRepo({ cwd: opts.cwd });
  const quiet = opts.quiet || opts.json;
  const result = await rerunRun({
    repo,
    run: opts.run,
    set,
    inPlace: opts.inPlace,
    link: opts.noLink ? [] : opts.link.length ? opts.link : 'ignored',
    keep: opts.keep,
    check: tolerance,
    // With --json, stdout holds the result alone.
    ...commandTerminal(ctx, { noPty: opts.noPty, outputToStderr: opts.json }),
    onPrepared: ({ dir, cwd, argv, linked }) => {
      if (quiet) return;
      const shared = linked.length ? `, sharing ${linked.join(', ')}` : '';
      out.err(paint(out.color, 'dim', styled`tmt: rerunning in ${cwd === dir ? dir : cwd}${shared}\n`));
      out.err(paint(out.color, 'dim', styled`tmt: ${argv.join(' ')}\n`));
    },
    onStart: (id) => {
      if (!quiet) out.err(paint(out.color, 'dim', `tmt: recording run ${id}\n`));
    },
  });
  for (const w of result.warnings) warn(out, w);
  if (opts.json) {
    out.json({
      schemaVersion: 1,
      rerunOf: result.original.id,
      id: result.rerun.id,
      status: result.rerun.meta.status,
      exitCode: result.rerun.exitCode,
      argv: result.argv,
      linked: result.linked,
      ...(result.workspace ? { workspace: result.workspace } : {}),
      ...(result.check ? { check: result.check } : {}),
    });
  } else reportRunEnd(out, result.rerun, opts.quiet);
  if (result.workspace && !opts.json) out.err(styled`tmt: the rerun's worktree stays at ${result.workspace} (git worktree remove removes it)\n`);
  if (!tolerance) return result.rerun.exitCode;
  if (!result.check) {
    if (!opts.json) out.err(styled`tmt: no verdict: the rerun ended ${result.rerun.meta.status}\n`);
    return result.rerun.exitCode || 1;
  }
  if (!opts.json) reportCheck(out, result.original.id, result.check, ctx.term.width);
  return result.check.ok ? 0 : 1;
}

function reportCheck(out: Output, original: string, check: CheckResult, width: number | undefined): void {
  const differ = check.metrics.filter((m) => !m.ok);
  if (check.metrics.length === 0) {
    out.err(styled`tmt: reproduced run ${original.slice(0, 12)}: neither run logged a metric, so there was nothing to compare\n`);
    return;
  }
  if (differ.length === 0) {
    out.err(styled`tmt: reproduced run ${original.slice(0, 12)}: ${String(check.metrics.length)} final metric${check.metrics.length === 1 ? '' : 's'} within tolerance\n`);
    return;
  }
  out.err(styled`tmt: not reproduced: ${String(differ.length)} of ${String(check.metrics.length)} final metrics of run ${original.slice(0, 12)} differ\n`);
  const num = (v: number | undefined) => (v === undefined ? '(none)' : formatValue(v));
  out.err(
    renderTable(
      [{ header: 'metric' }, { header: 'run', align: 'right' }, { header: 'rerun', align: 'right' }, { header: '|diff|', align: 'right' }, { header: 'allowed', align: 'right' }],
      differ.map((m) => [m.name, num(m.original), num(m.rerun), m.diff === undefined ? '' : formatValue(m.diff), m.allowed === undefined ? '' : formatValue(m.allowed)]),
      { width, color: out.color },
    ),
  );
}

function parseTolerance(text: string, flag: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new TmtError('BAD_ARGUMENT', `${flag}: expected a number of 0 or more, got "${text}"`, { hint: `e.g. ${flag} 1e-6` });
  return v;
}
