/**
 * Creating a branch without touching anything else: git's own name check,
 * then one compare-and-swap `update-ref` whose old value is "must not exist",
 * so an existing branch is never moved, however close the race.
 */
import { git, GitCommandError } from './exec.js';
import { isSafeRefName } from './ref-name.js';
import { lockedError, tryUpdateRefs } from './refs.js';
import type { Repo } from './repo.js';

/** Whether git takes `name` as a new branch's name (`git check-ref-format --branch`, and no `@{-N}` that it would expand). */
export async function isValidBranchName(repo: Repo, name: string): Promise<boolean> {
  if (!isSafeRefName(`refs/heads/${name}`)) return false;
  const { stdout, code } = await git(['check-ref-format', '--branch', name], { cwd: repo.workTree, okCodes: [1, 128] });
  return code === 0 && stdout.toString('utf8').trim() === name;
}

/** Why a branch could not be created: the name is taken by `ref` (the branch itself, or one its path clashes with). */
export interface BranchTaken {
  ref: string;
}

/** Creates refs/heads/`name` at `commit`, or says which existing ref stands in the way; never moves a ref. */
export async function createBranch(repo: Repo, name: string, commit: string, reflogMessage: string): Promise<BranchTaken | undefined> {
  const ref = `refs/heads/${name}`;
  try {
    const conflict = await tryUpdateRefs(repo, [{ ref, newOid: commit, oldOid: null }], reflogMessage);
    if (conflict?.kind === 'locked') throw lockedError(conflict);
    return conflict && { ref: conflict.ref };
  } catch (err) {
    // `refs/heads/a` and `refs/heads/a/b` cannot both exist: git names the one that does.
    const clash = err instanceof GitCommandError ? /'(refs\/[^']+)' exists; cannot create/.exec(err.stderr) : null;
    if (clash) return { ref: clash[1]! };
    throw err;
  }
}
