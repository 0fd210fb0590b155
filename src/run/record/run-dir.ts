/**
 * A recording run's scratch directory, `<git-dir>/tmt/runs/<id>/`: where the
 * command writes metrics and artifacts, and where its output is captured,
 * until everything is committed to git at the end of the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runDirsRoot } from '../../git/layout.js';
import type { Repo } from '../../git/repo.js';
import { pidAlive } from '../../util/pid.js';

export interface RunDir {
  root: string;
  metrics: string;
  artifacts: string;
  stdout: string;
  stderr: string;
  params: string;
  /** The recorded command's pid, written once it starts. */
  commandPid: string;
  /**
   * Why the run failed, when tmt could not publish it (a full disk). Its
   * space is taken when the directory is made, so the reason can be written
   * down in place when nothing else can be written.
   */
  failure: string;
}

const FAILURE_RESERVE = 4096;
const PID_RESERVE = 32;

export function runDir(repo: Repo, id: string): RunDir {
  // The common dir: runs are shared by every worktree, so recover and rm find it from any of them.
  const root = path.join(runDirsRoot(repo), id);
  return {
    root,
    metrics: path.join(root, 'metrics.jsonl'),
    artifacts: path.join(root, 'artifacts'),
    stdout: path.join(root, 'stdout.log'),
    stderr: path.join(root, 'stderr.log'),
    params: path.join(root, 'params.jsonl'),
    commandPid: path.join(root, 'command.pid'),
    failure: path.join(root, 'failure'),
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
  // Space kept for what tmt must still write once the command may have filled the disk.
  fs.writeFileSync(dir.failure, Buffer.alloc(FAILURE_RESERVE, 0x20));
  fs.writeFileSync(dir.commandPid, Buffer.alloc(PID_RESERVE, 0x20));
}

/**
 * Writes down the recorded command's pid, into the space reserved for it: the
 * command may fill the disk before tmt gets here. Best effort: without it,
 * recover and rm cannot tell that an orphaned command still runs.
 */
export function writeCommandPid(dir: RunDir, pid: number): void {
  writeInPlace(dir.commandPid, Buffer.from(`${pid}\n`));
}

/** How a run ended that tmt could not publish. */
export interface WrittenFailure {
  reason: string;
  /** The command's exit code, when it ran to its end. */
  exitCode?: number;
}

/** Writes down why the run failed, into the space reserved for it; best effort (a run directory from an older tmt has none). */
export function writeFailure(dir: RunDir, failure: WrittenFailure): void {
  // If even this fails, nothing more can be done: recover then calls the run killed.
  writeInPlace(dir.failure, Buffer.from(JSON.stringify({ reason: failure.reason.slice(0, 2000), exitCode: failure.exitCode })));
}

/** Overwrites a reserved file from its start and cuts it to `text`: shrinking needs no new space. Best effort. */
function writeInPlace(file: string, text: Buffer): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, text, 0, text.length, 0);
    fs.ftruncateSync(fd, text.length);
  } catch {
    /* the caller's fallback applies */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What writeFailure wrote down, if anything. */
export function readFailure(dir: RunDir): WrittenFailure | undefined {
  try {
    const text = fs.readFileSync(dir.failure, 'utf8').trim();
    if (!text) return undefined;
    const parsed = JSON.parse(text) as Partial<WrittenFailure>;
    if (typeof parsed.reason !== 'string') return undefined;
    return { reason: parsed.reason, ...(typeof parsed.exitCode === 'number' ? { exitCode: parsed.exitCode } : {}) };
  } catch {
    return undefined; // unreadable: recover then calls the run killed
  }
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
