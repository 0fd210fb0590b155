import { openRepo } from '../../git/repo.js';
import { recoverRuns } from '../../run/recover.js';
import { warn, type Output } from '../output.js';
import { printable } from '../render/printable.js';

export interface RecoverCommandOptions {
  cwd: string;
  runs: string[];
  json: boolean;
}

export async function recoverCommand(opts: RecoverCommandOptions, out: Output): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  const { recovered, stillRunning } = await recoverRuns({ repo, selectors: opts.runs });
  for (const s of stillRunning) warn(out, `run ${s.id} left alone: its tmt died, but its command (pid ${s.pid}) still runs; recover it once that ends`);
  if (opts.json) {
    out.json({ schemaVersion: 1, recovered: recovered.map((r) => ({ id: r.id, name: r.name ?? null, commit: r.commit, hadOutputs: r.hadOutputs, status: r.meta.status, ended: r.meta.ended, metrics: r.meta.metrics })) });
    return 0;
  }
  if (recovered.length === 0 && stillRunning.length === 0) out.err('no stale runs: nothing to recover\n');
  for (const r of recovered) {
    for (const w of r.warnings) warn(out, `run ${r.id}: ${w}`);
    const points = Object.values(r.meta.metrics).reduce((n, s) => n + s.count, 0);
    const kept = r.hadOutputs ? `kept ${points} metric point${points === 1 ? '' : 's'}, its logs and artifacts` : 'its run directory was gone: only the status changed';
    out.out(`recovered run ${r.id}${r.name ? ` (${printable(r.name)})` : ''} as killed; ${kept}\n`);
  }
  return 0;
}
