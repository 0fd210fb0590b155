/**
 * Which linked worktrees `tmt checkout` made. Each gets a small file in its
 * admin directory (`<common-dir>/worktrees/<name>/tmt-checkout`, see
 * layout.ts) naming the run; git removes that directory, mark and all, when
 * the worktree goes (`git worktree remove`, or `prune` after the user deleted
 * it), so the marks never outlive their worktrees. A `git worktree move`
 * keeps them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { git } from './exec.js';
import { checkoutMarkFile, worktreeAdminRoot } from './layout.js';
import type { Repo } from './repo.js';

export interface CheckoutMark {
  run: string;
  commit: string;
}

/** Marks the linked worktree whose top is `dir` as a checkout of `mark.run`. */
export function markCheckout(dir: string, mark: CheckoutMark): void {
  // A linked worktree's `.git` is a file: "gitdir: <its admin directory>".
  const admin = /^gitdir: (.*)$/m.exec(fs.readFileSync(path.join(dir, '.git'), 'utf8'))?.[1];
  if (!admin) throw new Error(`${dir}/.git does not name a worktree admin directory`);
  fs.writeFileSync(checkoutMarkFile(path.resolve(dir, admin)), JSON.stringify(mark) + '\n');
}

/** Every marked worktree: where git last knew its top to be, and its mark. */
export function markedCheckouts(repo: Repo): Array<{ path: string; mark: CheckoutMark }> {
  const root = worktreeAdminRoot(repo);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: Array<{ path: string; mark: CheckoutMark }> = [];
  for (const name of names) {
    const admin = path.join(root, name);
    try {
      const mark = JSON.parse(fs.readFileSync(checkoutMarkFile(admin), 'utf8')) as CheckoutMark;
      // `gitdir` holds the path of the worktree's `.git` file.
      const dotGit = fs.readFileSync(path.join(admin, 'gitdir'), 'utf8').trim();
      if (typeof mark.run === 'string' && typeof mark.commit === 'string') out.push({ path: path.dirname(path.resolve(admin, dotGit)), mark });
    } catch {
      // not tmt's, or a mark cut short: leave it to git
    }
  }
  return out;
}

/** Whether the worktree at `dir` has changes or untracked files (what makes `git worktree remove` refuse). */
export async function worktreeHasChanges(dir: string): Promise<boolean> {
  const { stdout } = await git(['status', '--porcelain', '-z', '--untracked-files=normal', '--ignore-submodules=none'], { cwd: dir });
  return stdout.length > 0;
}
