/**
 * A throwaway index file in this worktree's tmt folder, for git commands
 * that work on a tree through an index without touching the user's. Every
 * git process given it writes it whole (no split index, no sharedindex files
 * left in the git dir, a checksum).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { restoreIndexFile, worktreeTmtDir } from './layout.js';
import type { Repo } from './repo.js';

export const SCRATCH_INDEX_CONFIG = ['-c', 'core.splitIndex=false', '-c', 'index.skipHash=false'];

export interface ScratchIndex {
  /** GIT_INDEX_FILE for the git processes that use it. */
  env: { GIT_INDEX_FILE: string };
  /** Removes it (and a lock git may have left). */
  close(): void;
}

export function newScratchIndex(repo: Repo): ScratchIndex {
  fs.mkdirSync(worktreeTmtDir(repo), { recursive: true });
  const file = restoreIndexFile(repo, `${process.pid}-${randomBytes(4).toString('hex')}`);
  return {
    env: { GIT_INDEX_FILE: file },
    close() {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.lock`, { force: true });
    },
  };
}
