import os from 'node:os';
import type { RunMeta } from './metadata.js';
import { pidAlive } from '../../util/pid.js';

export type DisplayStatus = RunMeta['status'] | 'stale';

/** Every status a listing can show (a run with no readable note is `unreadable`). */
export const DISPLAY_STATUSES = ['running', 'finished', 'failed', 'killed', 'stale', 'unreadable'] as const;

/**
 * A run left `running` by a tmt process that no longer exists on this host
 * (kill -9, power loss) is `stale`. Runs from other hosts cannot be checked
 * and keep their recorded status.
 */
export function displayStatus(meta: RunMeta, hostname = thisHost()): DisplayStatus {
  return displayStatusOf(meta.status, meta.host?.hostname, meta.host?.pid, hostname);
}

export function displayStatusOf(status: RunMeta['status'], host: string | undefined, pid: number | undefined, hostname = thisHost()): DisplayStatus {
  if (status !== 'running' || host !== hostname || pid === undefined) return status;
  return pidAlive(pid) ? 'running' : 'stale';
}

let host: string | undefined;

/** Asked once per process: listing 100,000 runs must not ask the OS 100,000 times. */
function thisHost(): string {
  host ??= os.hostname();
  return host;
}
