/**
 * Ref updates through git's own lockfile protocol. `git update-ref --stdin`
 * takes `<ref>.lock` with O_EXCL, checks the old value (compare-and-swap) and
 * renames into place, for every ref in one all-or-nothing transaction. Loose
 * and packed refs are both handled by git.
 */
import fs from 'node:fs';
import { TmtError } from '../errors.js';
import { git, GitCommandError } from './exec.js';
import type { Repo } from './repo.js';

export const ZERO_OID = '0'.repeat(40);

export interface RefUpdate {
  ref: string;
  /** New value; null deletes the ref. */
  newOid: string | null;
  /** Expected old value; null means "must not exist"; undefined skips the check. */
  oldOid?: string | null;
}

/** Why a transaction did not go through, when that is worth a retry. */
export type RefConflict = { kind: 'moved'; ref: string } | { kind: 'locked'; ref: string; lockFile: string };

/** Applies all updates atomically, or returns the conflict that stopped them. */
export async function tryUpdateRefs(repo: Repo, updates: readonly RefUpdate[], message: string): Promise<RefConflict | undefined> {
  const lines = updates.map((u) => {
    const old = u.oldOid === undefined ? '' : ` ${u.oldOid ?? ZERO_OID}`;
    return u.newOid === null ? `delete ${u.ref}${old}` : `update ${u.ref} ${u.newOid}${old}`;
  });
  try {
    await git(['update-ref', '-m', message, '--stdin'], { cwd: repo.workTree, input: lines.join('\n') + '\n' });
    return undefined;
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    const conflict = classifyRefFailure(err.stderr);
    if (conflict) return conflict;
    throw err;
  }
}

function classifyRefFailure(stderr: string): RefConflict | undefined {
  const lock = /Unable to create '(.+?\.lock)': File exists/.exec(stderr);
  if (lock) {
    const ref = /cannot lock ref '(.+?)'/.exec(stderr)?.[1] ?? lock[1]!;
    return { kind: 'locked', ref, lockFile: lock[1]! };
  }
  const moved = /cannot lock ref '(.+?)': (is at .* but expected|reference already exists|reference is missing|unable to resolve reference)/.exec(stderr);
  if (moved) return { kind: 'moved', ref: moved[1]! };
  return undefined;
}

/** A lock older than this was almost surely left by a crashed process: git holds locks for milliseconds. */
const STALE_LOCK_MS = 5_000;

/** Throws LOCKED when a lock file looks abandoned, so callers never spin on it. */
export function assertLockNotStale(conflict: RefConflict & { kind: 'locked' }, now = Date.now()): void {
  let age: number;
  try {
    age = now - fs.statSync(conflict.lockFile).mtimeMs;
  } catch {
    return; // released meanwhile
  }
  if (age > STALE_LOCK_MS) throw lockedError(conflict, age);
}

/**
 * Removes a lock file if it is still older than a live git would ever hold
 * one. Only for refs tmt rebuilds on every fetch (its remote-tracking refs),
 * where a wrong guess costs a re-fetch, never an update.
 */
export function removeStaleLock(lockFile: string, now = Date.now()): boolean {
  try {
    if (now - fs.statSync(lockFile).mtimeMs <= STALE_LOCK_MS) return false;
    fs.unlinkSync(lockFile);
    return true;
  } catch {
    return false; // released or removed meanwhile
  }
}

export function lockedError(conflict: RefConflict & { kind: 'locked' }, ageMs?: number): TmtError {
  const age = ageMs === undefined ? '' : ` (${Math.round(ageMs / 1000)}s old)`;
  return new TmtError('LOCKED', `${conflict.ref} is locked by ${conflict.lockFile}${age}`, {
    hint: `if no git or tmt process is running, a crashed one left it: remove it with rm '${conflict.lockFile}'`,
    data: { lockFile: conflict.lockFile },
  });
}

/** Resolves a ref to an object id, or undefined when it does not exist. */
export async function resolveRef(repo: Repo, ref: string): Promise<string | undefined> {
  const { stdout, code } = await git(['rev-parse', '-q', '--verify', `${ref}^{commit}`], { cwd: repo.workTree, okCodes: [1] });
  return code === 0 ? stdout.toString('utf8').trim() : undefined;
}

/** Lists refs under a prefix with their object ids: `git for-each-ref` reads loose and packed refs alike. */
export async function listRefs(repo: Repo, prefix: string): Promise<Array<{ ref: string; oid: string }>> {
  return parseRefList(await listRefsRaw(repo, prefix));
}

/** `<oid> <refname>` lines sorted by refname, as git prints them (callers may fingerprint the bytes). */
export async function listRefsRaw(repo: Repo, prefix: string): Promise<Buffer> {
  return (await git(['for-each-ref', '--format=%(objectname) %(refname)', prefix], { cwd: repo.workTree })).stdout;
}

export function parseRefList(raw: Buffer): Array<{ ref: string; oid: string }> {
  return raw
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ oid: line.slice(0, 40), ref: line.slice(41) }));
}
