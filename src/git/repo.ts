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

const LOCATE = ['rev-parse', '--absolute-git-dir', '--git-common-dir', '--show-object-format', '--show-toplevel'];

/**
 * Finds the repository containing `cwd`. tmt snapshots working trees, so a
 * bare repository or a directory inside `.git` is refused with a hint.
 */
export async function openRepo(opts: { cwd: string }): Promise<Repo> {
  let lines: string[];
  try {
    lines = (await git(LOCATE, { cwd: opts.cwd })).stdout.toString('utf8').split('\n');
  } catch (err) {
    throw await diagnose(opts.cwd, err);
  }
  const [gitDir = '', common = '', format, workTree = ''] = lines;
  if (format !== 'sha1') {
    throw new TmtError('BAD_ARGUMENT', `${gitDir} uses ${format} object names; tmt supports SHA-1 repositories only`, {
      hint: 'use tmt in a SHA-1 repository (the git default)',
    });
  }
  return { workTree, gitDir, commonDir: path.resolve(opts.cwd, common) };
}

/** Turns a failed lookup into the error a user can act on. */
async function diagnose(cwd: string, cause: unknown): Promise<unknown> {
  if (!(cause instanceof GitCommandError)) return cause;
  if (/not a git repository/i.test(cause.stderr)) {
    return new TmtError('NOT_A_REPO', `not a git repository: ${cwd}`, {
      hint: 'run tmt inside a git working tree, or create one with `git init`',
      cause,
    });
  }
  if (/dubious ownership/i.test(cause.stderr)) {
    return new TmtError('NOT_A_REPO', `git refuses ${cwd}: the repository is owned by someone else`, {
      hint: `if you trust it: git config --global --add safe.directory '${cwd}'`,
      cause,
    });
  }
  const probe = await git(['rev-parse', '--is-bare-repository', '--absolute-git-dir'], { cwd }).catch(() => undefined);
  const [bare, gitDir] = probe?.stdout.toString('utf8').split('\n') ?? [];
  if (bare === 'true') {
    return new TmtError('BARE_REPO', `${gitDir} is a bare repository; tmt needs a working tree to snapshot`, {
      hint: 'clone it (`git clone <bare> <dir>`) and run tmt in the clone',
      cause,
    });
  }
  if (probe) {
    return new TmtError('NOT_A_REPO', `not inside a working tree: ${cwd}`, {
      hint: 'run tmt from the working tree, not from inside the .git directory',
      cause,
    });
  }
  return cause;
}
