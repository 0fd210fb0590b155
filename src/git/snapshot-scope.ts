/**
 * Whether a file would go into the next run's snapshot: inside the working
 * tree, not ignored by git, and not in .tmtignore. Used to warn before a tmt
 * output (an HTML page, an export) quietly becomes part of the code of every
 * later run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { git } from './exec.js';
import type { Repo } from './repo.js';
import { loadTmtIgnore } from './snapshot.js';

export async function inNextSnapshot(repo: Repo, file: string): Promise<boolean> {
  file = fs.realpathSync(file); // as git names the working tree: symlinks resolved
  const rel = path.relative(repo.workTree, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const inGitDir = path.relative(repo.gitDir, file);
  if (!inGitDir.startsWith('..') && !path.isAbsolute(inGitDir)) return false;
  const posix = rel.split(path.sep).join('/');
  if ((await loadTmtIgnore(repo.workTree))?.ignores(posix)) return false;
  // Exit 0: ignored. A tracked file is never ignored, and it is in every snapshot.
  const { code } = await git(['check-ignore', '-q', '--', posix], { cwd: repo.workTree, okCodes: [0, 1] });
  return code !== 0;
}
