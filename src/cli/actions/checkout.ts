import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { checkoutRun, listCheckouts, removeCheckouts } from '../../run/restore/checkout.js';
import type { CheckoutFlags } from '../commands/checkout.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import { renderTable } from '../render/table.js';

export type CheckoutCommandOptions = CheckoutFlags & { cwd: string; args: string[] };

export async function checkoutCommand(opts: CheckoutCommandOptions, { out, term }: Context): Promise<number> {
  if (opts.list && opts.remove) throw new TmtError('BAD_ARGUMENT', '--list and --remove cannot be combined', { hint: 'tmt checkout --list, then tmt checkout --remove DIR' });
  if (opts.force && !opts.remove) throw new TmtError('BAD_ARGUMENT', '--force goes with --remove', { hint: 'tmt checkout --remove DIR --force' });
  const repo = await openRepo({ cwd: opts.cwd });
  if (opts.list) {
    if (opts.args.length > 0) throw new TmtError('BAD_ARGUMENT', '--list takes no runs or directories', { hint: 'tmt checkout --list' });
    const checkouts = await listCheckouts({ repo });
    if (opts.json) out.json({ schemaVersion: 1, checkouts });
    else if (checkouts.length === 0) out.err('no checkouts (tmt checkout RUN makes one)\n');
    else out.out(renderTable([{ header: 'PATH' }, { header: 'RUN' }, { header: 'NAME', priority: 1 }, { header: 'STATE' }], checkouts.map((c) => [c.path, c.run.id.slice(0, 12), c.run.name ?? '', c.state]), { width: term.width }));
    return 0;
  }
  if (opts.remove) {
    if (opts.args.length === 0) throw new TmtError('BAD_ARGUMENT', '--remove needs checkouts or runs', { hint: 'tmt checkout --list shows them; tmt checkout --remove DIR' });
    const removed = await removeCheckouts({ repo, targets: opts.args, cwd: opts.cwd, force: opts.force });
    if (opts.json) out.json({ schemaVersion: 1, removed });
    else for (const c of removed) out.out(`removed ${c.path} (run ${c.run.id.slice(0, 12)}${c.state === 'changed' ? ', with its changes' : ''})\n`);
    return 0;
  }
  if (opts.args.length === 0 || opts.args.length > 2) {
    throw new TmtError('BAD_ARGUMENT', opts.args.length === 0 ? 'which run? tmt checkout RUN [DIR]' : `expected a run and at most one directory, got ${opts.args.length} arguments`, { hint: 'tmt checkout baseline, or tmt checkout baseline ../baseline-code' });
  }
  const [run, dir] = opts.args as [string, string | undefined];
  const r = await checkoutRun({ repo, run, dir, cwd: opts.cwd });
  if (r.insideWorkTree) warn(out, `${r.path} is inside your working tree: git status lists it, and runs recorded here take it in as a nested repository; a directory outside is better`);
  if (opts.json) {
    out.json({ schemaVersion: 1, ...r });
    return 0;
  }
  out.out(`${r.path}\n`);
  out.err(`checked out run ${r.run.id.slice(0, 12)}${r.run.name ? ` (${r.run.name})` : ''}, detached at ${r.commit.slice(0, 12)}; tmt checkout --remove removes it\n`);
  return 0;
}
