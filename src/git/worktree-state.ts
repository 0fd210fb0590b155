/**
 * Is this working tree in a state where tmt may change its files? Not while
 * the index holds staged changes (a snapshot saves the files, not what was
 * staged apart from them) or while git is in the middle of a merge, rebase,
 * cherry-pick or revert (its conflict state lives in the index and the git
 * dir, and changing files under it could lose a resolution).
 */
import fs from 'node:fs';
import { EMPTY_TREE } from './diff.js';
import { git } from './exec.js';
import { operationMarkers } from './layout.js';
import type { Repo } from './repo.js';

/** Paths whose index entry differs from HEAD (or, before the first commit, every path in the index), unmerged ones included. */
export async function stagedPaths(repo: Repo, head: string | undefined): Promise<string[]> {
  const { stdout } = await git(['diff-index', '--cached', '--name-only', '-z', '--no-renames', '--end-of-options', head ?? EMPTY_TREE, '--'], { cwd: repo.workTree });
  return [...new Set(stdout.toString('utf8').split('\0').filter(Boolean))];
}

/** The operation under way in this working tree ("a merge", "a rebase", ...), or undefined. */
export function operationInProgress(repo: Repo): string | undefined {
  return operationMarkers(repo).find((m) => fs.existsSync(m.file))?.operation;
}

/** Whether the object store holds `oid` as a commit. */
export async function hasCommit(repo: Repo, oid: string): Promise<boolean> {
  const { code } = await git(['cat-file', '-e', '--end-of-options', `${oid}^{commit}`], { cwd: repo.workTree, okCodes: [1, 128] });
  return code === 0;
}
