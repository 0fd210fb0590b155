import { isTmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { recoverRuns } from '../../run/update/recover.js';
import { formatBytes } from '../../util/format.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import type { RecoverFlags } from '../commands/recover.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import { printable } from '../render/printable.js';
import { styled } from '../terminal-text.js';

export type RecoverCommandOptions = RecoverFlags & { cwd: string; runs: string[] };

export async function recoverCommand(opts: RecoverCommandOptions, { out }: Context): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  const { recovered, stillRunning, notHere, failed, pruned, prunedWorkspaces, lfsKept } = await recoverRuns({ repo, selectors: opts.runs, force: opts.force });
  for (const s of stillRunning) warn(out, `run ${s.id} left alone: its tmt died, but its command (pid ${s.pid}) still runs; recover it once that ends`);
  for (const id of notHere) warn(out, `run ${id} left alone: it is stale here but was not started in this repository (no run directory); recover it in the clone that recorded it, or tmt rm it`);
  if (pruned.length) {
    const bytes = pruned.reduce((n, p) => n + p.bytes, 0);
    out.err(`removed the run directories of ${pruned.length} run${pruned.length === 1 ? '' : 's'} that had already ended (${formatBytes(bytes)})\n`);
  }
  for (const w of prunedWorkspaces) out.err(styled`removed ${w}, the worktree a killed tmt rerun left behind\n`);
  if (lfsKept.length) out.err(`kept the LFS objects of ${lfsKept.length} run${lfsKept.length === 1 ? '' : 's'} from git lfs prune again (refs/tmt-lfs/keep)\n`);
  let code: number = EXIT.OK;
  for (const f of failed) {
    // One run that cannot be recovered is reported; the others were recovered all the same.
    if (!isTmtError(f.error)) throw f.error;
    out.err(`error: ${f.error.message}\n`);
    if (f.error.hint) out.err(`hint: ${f.error.hint}\n`);
    if (code === EXIT.OK) code = exitCodeFor(f.error.code);
  }
  if (opts.json) {
    out.json({
      schemaVersion: 1,
      recovered: recovered.map((r) => ({ id: r.id, name: r.name ?? null, commit: r.commit, hadOutputs: r.hadOutputs, status: r.meta.status, failure: r.meta.failure ?? null, ended: r.meta.ended, metrics: r.meta.metrics })),
      notHere,
      pruned,
      prunedWorkspaces,
      lfsKept,
      failed: failed.map((f) => ({ run: f.run, error: isTmtError(f.error) ? f.error.message : String(f.error) })),
    });
    return code;
  }
  if (recovered.length === 0 && stillRunning.length === 0 && notHere.length === 0 && failed.length === 0) out.err('no stale runs: nothing to recover\n');
  for (const r of recovered) {
    for (const w of r.warnings) warn(out, `run ${r.id}: ${w}`);
    const points = Object.values(r.meta.metrics).reduce((n, s) => n + s.count, 0);
    const why = r.meta.status === 'failed' && r.meta.failure ? ` (${printable(r.meta.failure)})` : '';
    const kept = r.hadOutputs ? `kept ${points} metric point${points === 1 ? '' : 's'}, its logs and artifacts` : 'its run directory was gone: only the status changed';
    out.out(`recovered run ${r.id}${r.name ? ` (${printable(r.name)})` : ''} as ${r.meta.status}${why}; ${kept}\n`);
  }
  return code;
}
