/**
 * The ref that keeps `git lfs prune` from deleting runs' LFS objects
 * (refs/tmt-lfs/keep, see layout.ts). git-lfs prune keeps only what the tips
 * of recent refs, the checkout and unpushed branches point at, and a run ref's
 * tree is its code, not its outputs: without this ref prune deletes every
 * artifact tmt stored (docs/lfs-research.md §5).
 *
 * Its tree holds `<run-id>/<tree-id>` → each outputs tree of the run whose
 * objects were put here. Entries are only ever added while the run exists
 * (never replaced), so two writers that each add a tree for one run cannot
 * drop each other's; keyed by run, so removing a run (tmt rm) drops exactly
 * what it alone kept, and an object another run shares stays.
 */
import { TmtError } from '../errors.js';
import { backoffMs, sleep } from './backoff.js';
import { git } from './exec.js';
import { LFS_KEEP_REF } from './layout.js';
import { resolveRef, tryUpdateRefs } from './refs.js';
import type { Repo } from './repo.js';

/** Far in the future (2096), so the tip always counts as recent to prune. */
const KEEP_DATE = '4000000000 +0000';
const IDENTITY = { GIT_AUTHOR_NAME: 'tmt', GIT_AUTHOR_EMAIL: 'tmt@localhost', GIT_COMMITTER_NAME: 'tmt', GIT_COMMITTER_EMAIL: 'tmt@localhost' };

export interface KeepChange {
  /** run id → an outputs tree (or commit) whose LFS objects are, or are about to be, here. */
  add?: ReadonlyMap<string, string>;
  /** Runs that are gone: everything kept for them is dropped. */
  drop?: Iterable<string>;
}

/** Applies `change`; concurrent writers retry on compare-and-swap. */
export async function updateLfsKeep(repo: Repo, change: KeepChange): Promise<void> {
  const add = await asTrees(repo, change.add ?? new Map());
  const drop = new Set(change.drop ?? []);
  if (add.size === 0 && drop.size === 0) return;
  for (let attempt = 0; ; attempt++) {
    const old = await resolveRef(repo, LFS_KEEP_REF);
    const runs = old ? await readTop(repo, old) : new Map<string, string>();
    let changed = false;
    for (const id of drop) changed = runs.delete(id) || changed;
    for (const [id, tree] of add) {
      const sub = runs.get(id);
      const trees = sub ? await readSub(repo, sub) : new Set<string>();
      if (trees.has(tree)) continue;
      trees.add(tree);
      runs.set(id, await mktree(repo, [...trees].map((t) => `040000 tree ${t}\t${t}\0`)));
      changed = true;
    }
    if (!changed) return;
    const next = runs.size ? await keepCommit(repo, runs) : null;
    const conflict = await tryUpdateRefs(repo, [{ ref: LFS_KEEP_REF, newOid: next, oldOid: old ?? null }], 'tmt: runs whose LFS objects are here');
    if (!conflict) return;
    if (attempt >= 30) throw new TmtError('CONCURRENT_UPDATE', `gave up updating ${LFS_KEEP_REF}: other tmt processes kept changing it`, { hint: 'run the command again' });
    await sleep(backoffMs(attempt));
  }
}

/** The runs the keep ref holds (one read of its top tree, whatever the number of runs). */
export async function lfsKeptRuns(repo: Repo): Promise<Set<string>> {
  const tip = await resolveRef(repo, LFS_KEEP_REF);
  return tip ? new Set((await readTop(repo, tip)).keys()) : new Set();
}

/** Whether `tree` (an outputs tree or commit) is kept for the run `id`. */
export async function lfsKept(repo: Repo, id: string, treeish: string): Promise<boolean> {
  const tip = await resolveRef(repo, LFS_KEEP_REF);
  if (!tip) return false;
  const sub = (await readTop(repo, tip)).get(id);
  if (!sub) return false;
  const [tree] = (await asTrees(repo, new Map([[id, treeish]]))).values();
  return (await readSub(repo, sub)).has(tree!);
}

async function asTrees(repo: Repo, given: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  if (given.size === 0) return new Map();
  const { stdout } = await git(['rev-parse', ...[...given.values()].map((v) => `${v}^{tree}`)], { cwd: repo.workTree });
  const trees = stdout.toString('utf8').trim().split('\n');
  return new Map([...given.keys()].map((id, i) => [id, trees[i]!]));
}

/** run id → its subtree. */
async function readTop(repo: Repo, commit: string): Promise<Map<string, string>> {
  return new Map((await lsTree(repo, `${commit}^{tree}`)).map((e) => [e.name, e.oid]));
}

async function readSub(repo: Repo, tree: string): Promise<Set<string>> {
  return new Set((await lsTree(repo, tree)).map((e) => e.oid));
}

async function lsTree(repo: Repo, treeish: string): Promise<Array<{ name: string; oid: string }>> {
  const { stdout } = await git(['ls-tree', '-z', '--end-of-options', treeish], { cwd: repo.workTree });
  return stdout
    .toString('utf8')
    .split('\0')
    .flatMap((rec) => {
      const m = /^040000 tree ([0-9a-f]{40,64})\t(.+)$/s.exec(rec);
      return m ? [{ oid: m[1]!, name: m[2]! }] : [];
    });
}

async function mktree(repo: Repo, entries: readonly string[]): Promise<string> {
  return (await git(['mktree', '-z'], { cwd: repo.workTree, input: entries.join('') })).stdout.toString('utf8').trim();
}

async function keepCommit(repo: Repo, runs: ReadonlyMap<string, string>): Promise<string> {
  const tree = await mktree(repo, [...runs].map(([id, sub]) => `040000 tree ${sub}\t${id}\0`));
  const env = { ...IDENTITY, GIT_AUTHOR_DATE: KEEP_DATE, GIT_COMMITTER_DATE: KEEP_DATE };
  return (await git(['commit-tree', tree], { cwd: repo.workTree, env, input: 'tmt: keeps the LFS objects of these runs from git lfs prune\n' })).stdout.toString('utf8').trim();
}
