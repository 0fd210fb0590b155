import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { branchFromRun } from '../../run/restore/branch.js';
import type { Context } from '../context.js';

export interface BranchCommandOptions {
  cwd: string;
  args: string[];
  json: boolean;
}

export async function branchCommand(opts: BranchCommandOptions, { out }: Context): Promise<number> {
  if (opts.args.length !== 2) {
    throw new TmtError('BAD_ARGUMENT', `expected a run and a branch name, got ${opts.args.length} argument${opts.args.length === 1 ? '' : 's'}`, { hint: 'tmt branch baseline exp/baseline' });
  }
  const [run, name] = opts.args as [string, string];
  const repo = await openRepo({ cwd: opts.cwd });
  const b = await branchFromRun({ repo, run, name });
  if (opts.json) {
    out.json({ schemaVersion: 1, ...b });
    return 0;
  }
  const on = b.base ? `on ${b.base.slice(0, 12)}` : 'with no parent (recorded before the first commit)';
  out.out(`created branch ${b.branch} at ${b.commit.slice(0, 12)}: run ${b.run.id.slice(0, 12)}${b.run.name ? ` (${b.run.name})` : ''} ${on}\n`);
  return 0;
}
