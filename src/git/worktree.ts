/**
 * Linked worktrees (`git worktree`), the way tmt puts a run's code on disk
 * without touching the user's working tree, index or branch: git creates the
 * directory, checks the tree out with the user's attributes and filters, and
 * records it in `<common-dir>/worktrees/`, so the user's own `git worktree
 * list/remove` see it too.
 */
import path from 'node:path';
import { TmtError } from '../errors.js';
import { git, GitCommandError } from './exec.js';
import type { Repo } from './repo.js';

export interface Worktree {
  /** Absolute path of its top directory. */
  path: string;
  /** The commit it has checked out; undefined for a worktree with no commit yet. */
  head?: string;
  /** Its branch (`refs/heads/x`); undefined when detached. */
  branch?: string;
  bare: boolean;
  locked: boolean;
  /** git would prune it: its directory is gone. */
  prunable: boolean;
}

/**
 * A new worktree at `dir` (which must not exist, or be empty), detached at
 * `commit`. `hooks: false` keeps the repository's hooks (post-checkout) from
 * running: a hook that writes files would make the tree differ from `commit`.
 */
export async function addDetachedWorktree(repo: Repo, dir: string, commit: string, opts: { hooks?: boolean } = {}): Promise<void> {
  const abs = path.resolve(repo.workTree, dir);
  const noHooks = opts.hooks === false ? ['-c', 'core.hooksPath=/dev/null'] : [];
  try {
    // An absolute path never reads as an option; --no-checkout is not used, so git's filters apply.
    await git([...noHooks, 'worktree', 'add', '--quiet', '--detach', abs, commit], { cwd: repo.workTree });
  } catch (err) {
    if (err instanceof GitCommandError && /already exists/.test(err.stderr)) {
      throw new TmtError('BAD_ARGUMENT', `${abs} already exists`, { hint: 'name a directory that does not exist yet' });
    }
    throw err;
  }
}

/** Every worktree of the repository, the main one first, as `git worktree list --porcelain` gives them. */
export async function listWorktrees(repo: Repo): Promise<Worktree[]> {
  const { stdout } = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo.workTree });
  const out: Worktree[] = [];
  let cur: Worktree | undefined;
  for (const field of stdout.toString('utf8').split('\0')) {
    if (field === '') {
      if (cur) out.push(cur);
      cur = undefined;
      continue;
    }
    const [key, ...rest] = field.split(' ');
    const value = rest.join(' ');
    if (key === 'worktree') cur = { path: value, bare: false, locked: false, prunable: false };
    else if (!cur) continue;
    else if (key === 'HEAD') cur.head = /^0+$/.test(value) ? undefined : value;
    else if (key === 'branch') cur.branch = value;
    else if (key === 'bare') cur.bare = true;
    else if (key === 'locked') cur.locked = true;
    else if (key === 'prunable') cur.prunable = true;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Removes a linked worktree. Without `force` git refuses one with changes or
 * untracked files, which is what keeps a user's edits there from being lost.
 */
export async function removeWorktree(repo: Repo, dir: string, opts: { force?: boolean } = {}): Promise<void> {
  const abs = path.resolve(repo.workTree, dir);
  try {
    await git(['worktree', 'remove', ...(opts.force ? ['--force'] : []), abs], { cwd: repo.workTree });
  } catch (err) {
    if (err instanceof GitCommandError && /contains modified or untracked files/.test(err.stderr)) {
      throw new TmtError('WOULD_LOSE_WORK', `${abs} has changes or untracked files`, { hint: `look at them with git -C '${abs}' status; --force removes them too` });
    }
    throw err;
  }
}

/**
 * The top-level entries of a working tree that git ignores (`data/`, `.venv/`,
 * `weights.bin`), without their trailing slash: what a research script
 * expects beside its code but no snapshot holds.
 */
export async function ignoredTopLevel(repo: Repo): Promise<string[]> {
  const { stdout } = await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--no-empty-directory'], { cwd: repo.workTree });
  const out = new Set<string>();
  for (const p of stdout.toString('utf8').split('\0')) {
    if (!p) continue;
    const top = p.split('/')[0]!;
    // A nested ignored path (src/__pycache__/) lives inside a tracked directory, which the snapshot brings.
    if (p === top || p === `${top}/`) out.add(top);
  }
  return [...out];
}

/** Forgets worktrees whose directories are gone (`git worktree prune`). */
export async function pruneWorktrees(repo: Repo): Promise<void> {
  await git(['worktree', 'prune'], { cwd: repo.workTree });
}

/**
 * Puts a worktree back to its HEAD commit, as checked out: tracked files
 * restored, everything else removed, ignored files too, except the paths in
 * `keep` (links the caller made). Only git's stat pass and the changed files
 * cost, so reusing a worktree is far cheaper than checking out a new one.
 */
export async function resetWorktree(dir: string, keep: readonly string[]): Promise<void> {
  await git(['reset', '--hard', '--quiet', '--no-recurse-submodules'], { cwd: dir });
  // -ff: nested repositories too; -x: ignored files; -e: anchored, escaped patterns, so a kept name is never read as a glob.
  await git(['clean', '-ffdxq', ...keep.flatMap((p) => ['-e', `/${p.replace(/[\\*?[\]!# ]/g, '\\$&')}`])], { cwd: dir });
}
