import readline from 'node:readline/promises';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { gitStore } from '../../git/remote/store.js';
import type { RunRecord } from '../../run/read.js';
import { removeEverywhere, removeLocal, type Removed } from '../../run/sync/remove.js';
import { loadRuns, pickRuns } from '../../run/sync/runs.js';
import { openSync } from '../../run/sync/session.js';
import type { Output } from '../output.js';

export interface RmCommandOptions {
  cwd: string;
  runs: string[];
  where?: string;
  remote?: string;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

export async function rmCommand(opts: RmCommandOptions, out: Output): Promise<number> {
  if (opts.runs.length === 0 && opts.where === undefined) {
    throw new TmtError('BAD_ARGUMENT', 'no runs to delete', { hint: 'name runs (tmt rm 01m81s6q last~2) or select them with --where' });
  }
  let dry: RunRecord[] = [];
  const asked = new Set<string>();
  const ctx = opts.remote !== undefined ? await openSync({ cwd: opts.cwd, remote: opts.remote, direction: 'push' }) : undefined;
  const label = ctx?.transport.label;
  const choose = async (runs: RunRecord[]) => {
    const picked = pickRuns(runs, opts.runs, opts.where, Date.now());
    // A retry after the remote moved on asks again only if the choice grew.
    if (!opts.dryRun && picked.some((r) => !asked.has(r.id))) await confirm(picked, opts, label, out);
    for (const r of picked) asked.add(r.id);
    dry = picked;
    return opts.dryRun ? [] : picked;
  };
  let removed: Removed[];
  if (ctx) {
    removed = await removeEverywhere(ctx, choose);
  } else {
    const repo = await openRepo({ cwd: opts.cwd });
    removed = await removeLocal(repo, await choose(await loadRuns(gitStore(repo))));
  }
  const shown: Removed[] = opts.dryRun ? dry.map((r) => ({ id: r.id, name: r.meta?.name, commit: r.commit })) : removed;
  if (opts.json) {
    out.out(JSON.stringify({ schemaVersion: 1, dryRun: opts.dryRun, removed: shown }, null, 2) + '\n');
    return 0;
  }
  const verb = opts.dryRun ? 'would delete' : 'deleted';
  for (const r of shown) {
    const where = r.remote ? ` here and on ${label}` : label !== undefined && !opts.dryRun ? ` (${label} did not have it)` : '';
    out.out(`${verb} run ${r.id}${r.name ? ` (${r.name})` : ''}${where}; it was ${r.commit}\n`);
  }
  return 0;
}

/** More than one run goes only with --yes, or after asking on a terminal. */
async function confirm(runs: readonly RunRecord[], opts: RmCommandOptions, label: string | undefined, out: Output): Promise<void> {
  if (runs.length <= 1 || opts.yes) return;
  const what = `${runs.length} runs${label !== undefined ? ` here and on ${label}` : ''}`;
  if (!process.stdin.isTTY) {
    throw new TmtError('BAD_ARGUMENT', `refusing to delete ${what} without --yes`, { hint: 'check the list with --dry-run, then add --yes' });
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    out.err(runs.map((r) => `  ${r.id}${r.meta?.name ? ` (${r.meta.name})` : ''}\n`).join(''));
    const answer = await rl.question(`delete ${what}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new TmtError('BAD_ARGUMENT', 'nothing deleted', { hint: 'answer y to delete, or pass --yes' });
  } finally {
    rl.close();
  }
}
