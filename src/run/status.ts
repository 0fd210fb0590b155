import os from 'node:os';
import type { RunMeta } from './metadata.js';
import { pidAlive } from '../util/pid.js';

export type DisplayStatus = RunMeta['status'] | 'stale';

/**
 * A run left `running` by a tmt process that no longer exists on this host
 * (kill -9, power loss) is `stale`. Runs from other hosts cannot be checked
 * and keep their recorded status.
 */
export function displayStatus(meta: RunMeta, hostname = thisHost()): DisplayStatus {
  if (meta.status !== 'running' || !meta.host || meta.host.hostname !== hostname) return meta.status;
  return pidAlive(meta.host.pid) ? 'running' : 'stale';
}


let host: string | undefined;

/** Asked once per process: listing 100,000 runs must not ask the OS 100,000 times. */
function thisHost(): string {
  host ??= os.hostname();
  return host;
}
