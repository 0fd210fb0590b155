/**
 * Which runs a ranking or an aggregate counts. A failed or killed run's last
 * value is wherever it stopped, not a result: averaged in, one killed seed
 * pulls a mean down. So only finished runs count unless the user has said
 * something about status (`--any-status`, a filter or a grouping on it).
 */
import { whereNames } from './list.js';

export interface StatusSay {
  /** Count runs of every status. */
  anyStatus?: boolean;
  /** A filter expression: naming `status` in it decides. */
  where?: string;
  /** Statuses asked for by name (`tmt list --status`). */
  status?: readonly string[];
  /** Fields grouped by: grouping by `status` shows every status. */
  groupBy?: readonly string[];
}

/** Whether the user chose which statuses count, so tmt must not choose for them. */
export function statusDecided(s: StatusSay): boolean {
  return !!s.anyStatus || !!s.status?.length || !!s.groupBy?.includes('status') || whereNames(s.where, 'status');
}

/**
 * The runs that count, and how many were left out for not finishing. Runs
 * whose note cannot be read are left out too but not counted here: every
 * command already names those.
 */
export function finishedOnly<R extends { status: string }>(runs: readonly R[], s: StatusSay): { runs: R[]; unfinished: number } {
  if (statusDecided(s)) return { runs: [...runs], unfinished: 0 };
  const kept = runs.filter((r) => r.status === 'finished');
  return { runs: kept, unfinished: runs.filter((r) => r.status !== 'finished' && r.status !== 'unreadable').length };
}

/** The warning for runs left out by finishedOnly; `what` says which runs, e.g. "with acc". */
export function unfinishedWarning(n: number, what = ''): string {
  return `left out ${n} run${n === 1 ? '' : 's'}${what ? ` ${what}` : ''} that did not finish (failed, killed, running or stale); --any-status counts them`;
}
