import path from 'node:path';
import { TmtError } from '../errors.js';
import { git, GitCommandError } from './exec.js';

/** Where a repository's pieces live. `gitDir` is per worktree; `commonDir` is shared. */
export interface Repo {
  /** Top of the working tree. */
  workTree: string;
  /** This worktree's git dir (holds its index and HEAD). */
  gitDir: string;
  /** The shared git dir (objects, refs, notes). Equal to gitDir outside linked worktrees. */
  commonDir: string;
}

/**
 * Finds the repository containing `cwd`. tmt snapshots working trees, so a
 * bare repository or a directory inside `.git` is refused with a hint.
 */
export async function openRepo(opts: { cwd: string }): Promise<Repo> {
  let lines: string[];
  try {
    const { stdout } = await git(
      [
        'rev-parse',
        '--is-bare-repository',
        '--is-inside-work-tree',
        '--absolute-git-dir',
        '--git-common-dir',
        '--show-object-format',
      ],
      { cwd: opts.cwd },
    );
    lines = stdout.toString('utf8').split('\n');
  } catch (err) {
    if (err instanceof GitCommandError && /not a git repository/i.test(err.stderr)) {
      throw new TmtError('NOT_A_REPO', `not a git repository: ${opts.cwd}`, {
        hint: 'run tmt inside a git working tree, or create one with `git init`',
        cause: err,
      });
    }
    throw err;
  }
  const [bare, inside, gitDir = '', common = '', format] = lines;
  if (bare === 'true') {
    throw new TmtError('BARE_REPO', `${gitDir} is a bare repository; tmt needs a working tree to snapshot`, {
      hint: 'clone it (`git clone <bare> <dir>`) and run tmt in the clone',
    });
  }
  if (inside !== 'true') {
    throw new TmtError('NOT_A_REPO', `not inside a working tree: ${opts.cwd}`, {
      hint: 'run tmt from the working tree, not from inside the .git directory',
    });
  }
  if (format !== 'sha1') {
    throw new TmtError('BAD_ARGUMENT', `${gitDir} uses ${format} object names; tmt supports SHA-1 repositories only`, {
      hint: 'use tmt in a SHA-1 repository (the git default)',
    });
  }
  const { stdout } = await git(['rev-parse', '--show-toplevel'], { cwd: opts.cwd });
  return {
    workTree: stdout.toString('utf8').replace(/\n$/, ''),
    gitDir,
    commonDir: path.resolve(opts.cwd, common),
  };
}
