/**
 * Typed errors. Every failure a user can cause or fix carries a stable `code`
 * and a one-line `hint`; the CLI maps codes to exit codes and prints
 * `error: <message>` plus `hint: <hint>`. Anything that is not a TmtError is
 * a bug and is shown with its stack.
 */

export type ErrorCode =
  | 'NOT_A_REPO'
  | 'BARE_REPO'
  | 'GIT_MISSING'
  | 'GIT_FAILED'
  | 'LOCKED'
  | 'CONCURRENT_UPDATE'
  | 'UNREADABLE_FILE'
  | 'SNAPSHOT_FAILED'
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'UNKNOWN_REMOTE'
  | 'REMOTE_UNREACHABLE'
  | 'AUTH_FAILED'
  | 'PUSH_REJECTED'
  | 'FOREIGN_NOTES'
  | 'MISSING_OBJECTS'
  | 'NO_SPACE'
  /** A run's large artifacts are git LFS objects and git-lfs is not installed. */
  | 'LFS_MISSING'
  /** Going on would overwrite or drop something of the user's (a file, a branch, uncommitted work) that nothing saved. */
  | 'WOULD_LOSE_WORK';

export class TmtError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly data: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; data?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TmtError';
    this.code = code;
    this.hint = opts.hint;
    this.data = opts.data ?? {};
  }
}

export function isTmtError(err: unknown, code?: ErrorCode): err is TmtError {
  return err instanceof TmtError && (code === undefined || err.code === code);
}
