import { TmtError } from '../../errors.js';
import { planHere, planRemoval, removeEverywhere, removeHere, type Removal } from '../../sync/remove.js';
import { openLocal, openSync } from '../../sync/open-sides.js';
import type { RmFlags } from '../commands/rm.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import { printable } from '../render/printable.js';

export type RmCommandOptions = RmFlags & { cwd: string; runs: string[] };

export async function rmCommand(opts: RmCommandOptions, ctx: Context): Promise<number> {
  const { out } = ctx;
  if (opts.runs.length === 0 && opts.where === undefined) {
    throw new TmtError('BAD_ARGUMENT', 'no runs to delete', { hint: 'name runs (tmt rm 01m81s6q last~2) or select them with --where' });
  }
  const select = { selectors: opts.runs, where: opts.where, nowMs: Date.now() };
  const sync = opts.remote !== undefined ? await openSync({ cwd: opts.cwd, remote: opts.remote, direction: 'push' }) : undefined;
  const label = sync?.transport.label;
  let removed: Removal[];
  if (opts.dryRun) {
    removed = sync ? await planRemoval(sync, select) : await planHere(await openLocal(opts.cwd), select);
    // Without a fetch the remote's runs are ids only: say what the real command may add.
    if (sync && opts.where !== undefined) warn(out, `--where was matched against the runs here only; without --dry-run tmt fetches first, so runs from ${label} may match too (tmt fetch, then --dry-run again, shows them)`);
  } else {
    const confirm = (runs: readonly Removal[]) => confirmRemoval(runs, opts, label, ctx);
    removed = sync ? await removeEverywhere(sync, { ...select, confirm }) : await removeHere(await openLocal(opts.cwd), { ...select, confirm });
  }
  if (opts.json) {
    out.json({ schemaVersion: 1, dryRun: opts.dryRun, removed });
    return 0;
  }
  for (const r of removed) {
    out.out(`${opts.dryRun ? 'would delete' : 'deleted'} run ${r.id}${named(r)}${where(r, label, opts.dryRun)}; it ${opts.dryRun ? 'is' : 'was'} ${r.commit}\n`);
    if (!opts.dryRun && r.here) out.out(`  restore here: ${restoreCommand(r)}\n`);
  }
  return 0;
}

/** A name on the run's one line: a newline in it must not start a line that reads as tmt's (a fake restore command). */
function named(r: Removal): string {
  return r.name ? ` (${printable(r.name)})` : '';
}

function where(r: Removal, label: string | undefined, dryRun: boolean): string {
  if (label === undefined) return '';
  if (!r.here) return ` on ${label} (it is not here${dryRun ? '' : ' and was not before'})`;
  return r.remote ? ` here and on ${label}` : ` here (${label} ${dryRun ? 'does' : 'did'} not have it)`;
}

/**
 * More than one run, or any run that was not here before (it came from the
 * remote: someone else's), goes only with --yes, or after asking on a terminal.
 */
async function confirmRemoval(runs: readonly Removal[], opts: RmCommandOptions, label: string | undefined, { out, term }: Context): Promise<void> {
  const foreign = runs.filter((r) => !r.here);
  if ((runs.length <= 1 && foreign.length === 0) || opts.yes) return;
  const what = `${runs.length} run${runs.length === 1 ? '' : 's'}${label !== undefined ? ` here and on ${label}` : ''}`;
  const why = foreign.length ? ` (${foreign.length} of them ${foreign.length === 1 ? 'was' : 'were'} not here before: ${foreign.slice(0, 3).map((r) => r.id.slice(0, 12)).join(', ')}${foreign.length > 3 ? ', ...' : ''})` : '';
  if (!term.stdin) {
    throw new TmtError('BAD_ARGUMENT', `refusing to delete ${what} without --yes${why}`, { hint: 'check the list with --dry-run, then add --yes' });
  }
  out.err(runs.map((r) => `  ${r.id}${named(r)}${r.here ? '' : `  <- not here before; from ${label}`}\n`).join(''));
  const answer = await out.ask(`delete ${what}? [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new TmtError('BAD_ARGUMENT', 'nothing deleted', { hint: 'answer y to delete, or pass --yes' });
}

/** The git commands that put a deleted run back here: its ref, and its note (kept in the notes history). */
function restoreCommand(r: Removal): string {
  const ref = `git update-ref refs/tmt/runs/${r.id} ${r.commit} ''`;
  return r.note ? `${ref} && git notes --ref=tmt add -C ${r.note} ${r.commit}` : ref;
}
