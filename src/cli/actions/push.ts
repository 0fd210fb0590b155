import { isTmtError, TmtError } from '../../errors.js';
import { describePush, pushRemote } from '../../sync/push.js';
import { openSync } from '../../sync/open-sides.js';
import { progressFor } from '../progress.js';
import { warn } from '../output.js';
import type { PushFlags } from '../commands/push.js';
import type { Context } from '../context.js';

export type PushCommandOptions = PushFlags & {
  cwd: string;
  /** [REMOTE] [RUN...] */
  args: string[];
};

export async function pushCommand(opts: PushCommandOptions, { out, term }: Context): Promise<number> {
  const ctx = { ...(await openSync({ cwd: opts.cwd, maybeRemote: opts.args[0], direction: 'push', progress: progressFor(out, opts.quiet || opts.json, term.stderr) })), warn: (text: string) => warn(out, text) };
  const selectors = ctx.tookRemote ? opts.args.slice(1) : opts.args;
  let ids: string[] | undefined;
  if (selectors.length || opts.where !== undefined) {
    const [{ loadRuns }, { pickRuns }] = await Promise.all([import('../../sync/runs.js'), import('../../query/pick.js')]);
    const runs = await loadRuns(ctx.store);
    try {
      ids = pickRuns(runs, { selectors, where: opts.where, nowMs: ctx.now() }).runs.map((p) => p.record.id);
    } catch (err) {
      throw !ctx.tookRemote && selectors[0] && isTmtError(err, 'NOT_FOUND') ? neitherError(selectors[0], err, ctx.remotes) : err;
    }
  }
  const summary = await pushRemote(ctx, ids);
  if (opts.json) out.json({ schemaVersion: 1, ...summary });
  else if (!opts.quiet) out.err(`${describePush(summary)}\n`);
  return 0;
}

/** `tmt push orgin`: a typo of a remote reads as a run selector; say both. */
export function neitherError(arg: string, cause: TmtError, remotes: readonly string[]): TmtError {
  const known = remotes.length ? `configured remotes: ${remotes.join(', ')}` : 'no remote is configured (git remote add origin <url>)';
  return new TmtError('UNKNOWN_REMOTE', `"${arg}" is neither a remote nor a run`, { hint: `${known}; ${cause.hint ?? ''}`.replace(/; $/, ''), cause });
}
