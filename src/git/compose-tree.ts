/**
 * A tree put together from other trees and single entries, through a scratch
 * index: `read-tree --prefix` places each subtree, `update-index --index-info`
 * adds entries of any mode (regular, executable, symlink), `write-tree` writes
 * the nested trees. For the commits tmt writes beside a saved working tree.
 */
import { git } from './exec.js';
import type { Repo } from './repo.js';
import { newScratchIndex, SCRATCH_INDEX_CONFIG as cfg } from './scratch-index.js';
import type { RawPath } from './tree-diff.js';

export interface ComposedEntry {
  /** Raw path (one Latin-1 character per byte) inside the new tree. */
  path: RawPath;
  mode: string;
  oid: string;
}

/** Writes a tree holding each subtree under its name and each entry at its path; returns its id. */
export async function composeTree(repo: Repo, parts: { subtrees: Record<string, string>; entries: readonly ComposedEntry[] }): Promise<string> {
  const index = newScratchIndex(repo);
  const env = index.env;
  try {
    for (const [name, tree] of Object.entries(parts.subtrees)) {
      await git([...cfg, 'read-tree', `--prefix=${name}/`, '--end-of-options', tree], { cwd: repo.workTree, env });
    }
    if (parts.entries.length > 0) {
      const input = Buffer.concat(parts.entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.oid}\t`), Buffer.from(e.path, 'latin1'), Buffer.from([0])])));
      await git([...cfg, 'update-index', '--add', '-z', '--index-info'], { cwd: repo.workTree, env, input });
    }
    return (await git([...cfg, 'write-tree'], { cwd: repo.workTree, env })).stdout.toString('utf8').trim();
  } finally {
    index.close();
  }
}
