import { git } from './exec.js';
import type { Repo } from './repo.js';

/** git's empty tree, for diffs of runs recorded before the first commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** `git diff --stat` between two trees or commits (base undefined: the empty tree). */
export async function diffStat(repo: Repo, base: string | undefined, target: string): Promise<string> {
  const { stdout } = await git(['diff', '--stat=100', '--no-color', '--no-ext-diff', base ?? EMPTY_TREE, target, '--'], { cwd: repo.workTree });
  return stdout.toString('utf8').replace(/\n$/, '');
}
