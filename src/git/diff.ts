/**
 * Diffs between two trees, produced by native git so that renames, binary
 * detection, mode changes, attributes and the user's diff settings are git's
 * own. The terminal view is exactly `git diff -M <from> <to> -- <paths>`.
 */
import { git, gitPipe, type GitPipe } from './exec.js';
import type { Repo } from './repo.js';

/** git's empty tree, for diffs of runs recorded before the first commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** Two trees to compare. */
export interface TreePair {
  /** Where git runs: pathspecs are relative to it, as they are for `git diff`. */
  cwd: string;
  /** The old tree; undefined means the empty tree. */
  from: string | undefined;
  to: string;
  /** Pathspecs (`-- PATH...`), as git reads them. */
  paths?: readonly string[];
}

export type DiffView = 'patch' | 'stat' | 'name-only';

/** `git diff --stat` between two trees or commits (base undefined: the empty tree). */
export async function diffStat(repo: Repo, base: string | undefined, target: string): Promise<string> {
  const { stdout } = await git(['diff', '--stat=100', '--no-color', '--no-ext-diff', '--end-of-options', base ?? EMPTY_TREE, target, '--'], { cwd: repo.workTree });
  return stdout.toString('utf8').replace(/\n$/, '');
}

/**
 * The arguments after `git diff` that name the trees and paths. Tree ids come
 * from notes, which may come from others: --end-of-options keeps one that
 * slipped past the note checks from being read as an option.
 */
export function treeArgs(pair: TreePair): string[] {
  return ['--end-of-options', pair.from ?? EMPTY_TREE, pair.to, '--', ...(pair.paths ?? [])];
}

/**
 * Streams the diff the way `git diff` prints it. `columns` is the terminal
 * width (git cannot see it through a pipe; it sizes `--stat` by it).
 */
export function streamTreeDiff(pair: TreePair, opts: { view: DiffView; color: boolean; columns?: number }): GitPipe {
  const view = opts.view === 'stat' ? ['--stat'] : opts.view === 'name-only' ? ['--name-only'] : [];
  return gitPipe(['diff', '-M', opts.color ? '--color=always' : '--no-color', ...view, ...treeArgs(pair)], {
    cwd: pair.cwd,
    env: opts.columns ? { COLUMNS: String(opts.columns) } : undefined,
  });
}
