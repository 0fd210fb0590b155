import type { ErrorCode } from '../errors.js';

/** Stable exit codes; documented in the README. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  ENVIRONMENT: 3,
  NOT_FOUND: 4,
  BUSY: 5,
  GIT: 6,
  REMOTE: 7,
  /** Refused: it would overwrite or drop the user's work (a file, a branch, uncommitted changes) without a flag. */
  REFUSED: 8,
  /** Ctrl-C stopped the command (128 + SIGINT, as a shell reports it). */
  INTERRUPTED: 130,
  BUG: 70,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  BAD_ARGUMENT: EXIT.USAGE,
  NOT_A_REPO: EXIT.ENVIRONMENT,
  BARE_REPO: EXIT.ENVIRONMENT,
  GIT_MISSING: EXIT.ENVIRONMENT,
  LFS_MISSING: EXIT.ENVIRONMENT,
  NOT_FOUND: EXIT.NOT_FOUND,
  MISSING_OBJECTS: EXIT.NOT_FOUND,
  LOCKED: EXIT.BUSY,
  CONCURRENT_UPDATE: EXIT.BUSY,
  UNREADABLE_FILE: EXIT.GIT,
  SNAPSHOT_FAILED: EXIT.GIT,
  GIT_FAILED: EXIT.GIT,
  UNKNOWN_REMOTE: EXIT.NOT_FOUND,
  REMOTE_UNREACHABLE: EXIT.REMOTE,
  AUTH_FAILED: EXIT.REMOTE,
  PUSH_REJECTED: EXIT.REMOTE,
  FOREIGN_NOTES: EXIT.REMOTE,
  NO_SPACE: EXIT.GIT,
  WOULD_LOSE_WORK: EXIT.REFUSED,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}
