/**
 * A recording run's scratch directory, `<git-dir>/tmt/runs/<id>/`: where the
 * command writes metrics and artifacts, and where its output is captured,
 * until everything is committed to git at the end of the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { pidAlive } from '../util/pid.js';

export interface RunDir {
  root: string;
  metrics: string;
  artifacts: string;
  stdout: string;
  stderr: string;
  params: string;
  /** The recorded command's pid, written once it starts. */
  commandPid: string;
}

export function runDir(repo: Repo, id: string): RunDir {
  // The common dir: runs are shared by every worktree, so recover and rm find it from any of them.
  const root = path.join(repo.commonDir, 'tmt', 'runs', id);
  return {
    root,
    metrics: path.join(root, 'metrics.jsonl'),
    artifacts: path.join(root, 'artifacts'),
    stdout: path.join(root, 'stdout.log'),
    stderr: path.join(root, 'stderr.log'),
    params: path.join(root, 'params.jsonl'),
    commandPid: path.join(root, 'command.pid'),
  };
}

/** The recorded command's pid if it is still running (tmt may have died before it). */
export function liveCommandPid(dir: RunDir): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(dir.commandPid, 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : undefined;
}

export function createRunDir(dir: RunDir): void {
  fs.mkdirSync(dir.artifacts, { recursive: true });
  fs.writeFileSync(dir.metrics, '', { flag: 'a' });
}

/**
 * Every regular file under `dir`, as '/'-separated paths relative to it;
 * symlinks that leave it are skipped. Names are bytes, as the file system
 * keeps them: a name that is not UTF-8 is stored in git as it is.
 */
export function filesUnder(dir: string): Array<{ rel: Buffer; abs: Buffer; size: number }> {
  const out: Array<{ rel: Buffer; abs: Buffer; size: number }> = [];
  const walk = (abs: Buffer, rel: Buffer | undefined) => {
    let entries: Array<fs.Dirent<Buffer>>;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return;
    }
    for (const e of entries) {
      const childAbs = Buffer.concat([abs, SLASH, e.name]);
      const childRel = rel ? Buffer.concat([rel, SLASH, e.name]) : e.name;
      if (e.isDirectory()) walk(childAbs, childRel);
      else if (e.isFile()) out.push({ rel: childRel, abs: childAbs, size: fs.statSync(childAbs).size });
    }
  };
  walk(Buffer.from(dir), undefined);
  return out.sort((a, b) => Buffer.compare(a.rel, b.rel));
}

const SLASH = Buffer.from('/');
