import { spawnSync } from 'node:child_process';
import { testEnv } from './env.js';

/** Whether the git-lfs client runs here (`git lfs version`). */
export const gitLfs: boolean = spawnSync('git', ['lfs', 'version'], { env: testEnv, stdio: 'ignore' }).status === 0;

/**
 * For LFS test files, before `describe.skipIf(!gitLfs)`: a machine without
 * git-lfs skips them, but CI installs it (.ci/run), so there a missing git-lfs
 * is an error, not a silent skip.
 */
export function requireGitLfsInCi(): void {
  if (process.env.CI && !gitLfs) throw new Error('git-lfs is not installed (`git lfs version` failed), and CI must run the LFS tests');
}
