import fs from 'node:fs';

/**
 * Whether a process with this pid runs on this machine (EPERM means it does,
 * owned by someone else). A zombie does not count: an orphan that exited
 * stays one until a reaper that may never come collects it.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // no /proc (not Linux): trust kill(0)
  }
  // "pid (comm) S ...": the command name may hold spaces and parentheses; the state follows the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}
