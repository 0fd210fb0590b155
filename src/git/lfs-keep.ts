/**
 * The ref that keeps `git lfs prune` from deleting runs' LFS objects
 * (refs/tmt-lfs/keep, see layout.ts). git-lfs prune keeps only what the tips
 * of recent refs, the checkout and unpushed branches point at, and a run ref's
 * tree is its code, not its outputs: without this ref prune deletes every
 * artifact tmt stored (docs/lfs-research.md §5). Keyed by run, not by object,
 * so removing one run never drops an object another run still uses.
 */
import { git } from './exec.js';
import { LFS_KEEP_REF } from './layout.js';
import { resolveRef, tryUpdateRefs } from './refs.js';
import type { Repo } from './repo.js';
import { backoffMs, sleep } from './backoff.js';
import { TmtError } from '../errors.js';

/** Far in the future (2096), so the tip always counts as recent to prune. */
const KEEP_DATE = '4000000000 +0000';

/** Sets (an outputs tree or commit) or drops (null) each run's entry; concurrent writers retry on compare-and-swap. */
export async function updateLfsKeep(repo: Repo, given: ReadonlyMap<string, string | null>): Promise<void> {
  if (given.size === 0) return;
  const changes = await asTrees(repo, given);
  for (let attempt = 0; ; attempt++) {
    const old = await resolveRef(repo, LFS_KEEP_REF);
    const entries = old ? await readEntries(repo, old) : new Map<string, string>();
    let changed = false;
    for (const [id, tree] of changes) {
      if ((entries.get(id) ?? null) === tree) continue;
      changed = true;
      if (tree === null) entries.delete(id);
      else entries.set(id, tree);
    }
    if (!changed) return;
    const update = entries.size ? await writeKeepCommit(repo, entries) : null;
    const conflict = await tryUpdateRefs(repo, [{ ref: LFS_KEEP_REF, newOid: update, oldOid: old ?? null }], 'tmt: runs whose LFS objects are here');
    if (!conflict) return;
    if (attempt >= 30) throw new TmtError('CONCURRENT_UPDATE', `gave up updating ${LFS_KEEP_REF}: other tmt processes kept changing it`, { hint: 'run the command again' });
    await sleep(backoffMs(attempt));
  }
}

async function asTrees(repo: Repo, given: ReadonlyMap<string, string | null>): Promise<Map<string, string | null>> {
  const set = [...given].filter(([, v]) => v !== null);
  if (set.length === 0) return new Map(given);
  const { stdout } = await git(['rev-parse', ...set.map(([, v]) => `${v}^{tree}`)], { cwd: repo.workTree });
  const trees = stdout.toString('utf8').trim().split('\n');
  const out = new Map(given);
  set.forEach(([id], i) => out.set(id, trees[i]!));
  return out;
}

/** run id → outputs tree, as the keep ref holds them now. */
export async function lfsKeepEntries(repo: Repo): Promise<Map<string, string>> {
  const tip = await resolveRef(repo, LFS_KEEP_REF);
  return tip ? readEntries(repo, tip) : new Map();
}

async function readEntries(repo: Repo, commit: string): Promise<Map<string, string>> {
  const { stdout } = await git(['ls-tree', '-z', '--end-of-options', `${commit}^{tree}`], { cwd: repo.workTree });
  const out = new Map<string, string>();
  for (const rec of stdout.toString('utf8').split('\0')) {
    const m = /^040000 tree ([0-9a-f]{40,64})\t(.+)$/s.exec(rec);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

async function writeKeepCommit(repo: Repo, entries: ReadonlyMap<string, string>): Promise<string> {
  const input = [...entries].map(([id, tree]) => `040000 tree ${tree}\t${id}\0`).join('');
  const tree = (await git(['mktree', '-z'], { cwd: repo.workTree, input })).stdout.toString('utf8').trim();
  const env = { GIT_AUTHOR_DATE: KEEP_DATE, GIT_COMMITTER_DATE: KEEP_DATE, GIT_AUTHOR_NAME: 'tmt', GIT_AUTHOR_EMAIL: 'tmt@localhost', GIT_COMMITTER_NAME: 'tmt', GIT_COMMITTER_EMAIL: 'tmt@localhost' };
  return (await git(['commit-tree', tree], { cwd: repo.workTree, env, input: 'tmt: keeps the LFS objects of these runs from git lfs prune\n' })).stdout.toString('utf8').trim();
}
