import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { liveRunFromEnv, logArtifacts, logMetrics, logParams, type LogTarget } from '../../run/update/log.js';
import { coerceMetric, parseAssignments } from '../../run/note/values.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';

export interface LogCommandOptions {
  cwd: string;
  kind: 'metric' | 'param' | 'artifact';
  items: string[];
  run?: string;
  step?: string;
}

export async function logCommand(opts: LogCommandOptions, { out, term }: Context): Promise<number> {
  if (opts.items.length === 0) {
    throw new TmtError('BAD_ARGUMENT', `tmt log ${opts.kind}: nothing to log`, {
      hint: opts.kind === 'artifact' ? 'tmt log artifact model.pt' : `tmt log ${opts.kind} key=value`,
    });
  }
  const target = await resolveTarget(opts, term.env);
  if (opts.kind === 'metric') {
    const step = opts.step === undefined ? undefined : Number(opts.step);
    if (step !== undefined && !Number.isFinite(step)) throw new TmtError('BAD_ARGUMENT', `--step: "${opts.step}" is not a number`, { hint: '--step 3' });
    await logMetrics(target, parseAssignments(opts.items, 'metric', coerceMetric), step);
  } else if (opts.kind === 'param') {
    await logParams(target, parseAssignments(opts.items, 'param'));
  } else {
    const { names, warnings } = await logArtifacts(target, opts.items, opts.cwd);
    for (const w of warnings) warn(out, w);
    out.err(`logged ${names.join(', ')}\n`);
  }
  return 0;
}

async function resolveTarget(opts: LogCommandOptions, env: NodeJS.ProcessEnv): Promise<LogTarget> {
  const live = liveRunFromEnv(env);
  if (opts.run === undefined && live) return { live };
  if (opts.run === undefined) {
    throw new TmtError('BAD_ARGUMENT', 'no run to log to', { hint: 'run this inside `tmt record`, or name a run with --run (e.g. --run last)' });
  }
  return { repo: await openRepo({ cwd: opts.cwd }), selector: opts.run };
}
