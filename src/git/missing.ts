/**
 * Finding objects a repository lacks: after a partial fetch (`--filter`), or
 * when loose objects were lost. `rev-list --missing=print` lists them without
 * trying to fetch them from a promisor remote, so diagnosing never touches
 * the network.
 */
import { git } from './exec.js';
import type { Repo } from './repo.js';

/**
 * The first object reachable from `tree` (itself included) that is not in the
 * repository, or undefined when the whole tree is present.
 */
export async function firstMissingObject(repo: Repo, tree: string): Promise<string | undefined> {
  const { stdout, code } = await git(['rev-list', '--objects', '--missing=print', '--no-object-names', '--end-of-options', tree, '--'], {
    cwd: repo.workTree,
    okCodes: [128],
  });
  if (code !== 0) return tree; // the tree itself is gone: "bad object"
  const line = stdout.toString('latin1').split('\n').find((l) => l.startsWith('?'));
  return line?.slice(1);
}
