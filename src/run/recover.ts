/**
 * `tmt recover`: ends a run whose tmt process died (kill -9, a power cut): a
 * run still `running` on this host whose pid is gone, listed as `stale`.
 * Whatever the command had written into the run directory by then (metrics,
 * logs, artifacts, logged params) is published as at a normal end, with
 * status `killed` and the reason; the end time is the run directory's last
 * write. Runs recorded on another host are refused: their pid cannot be
 * checked from here, and their run directory is on that host.
 */
import fs from 'node:fs';
import os from 'node:os';
import { TmtError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { systemClock, type Clock } from './clock.js';
import { finishRun } from './finish.js';
import type { RunMeta } from './metadata.js';
import { readRuns, unreadableRunError, type RunRecord } from './read.js';
import { resolveRun } from './resolve.js';
import { createRunDir, filesUnder, liveCommandPid, runDir } from './run-dir.js';
import { displayStatus } from './status.js';

export interface Recovered {
  id: string;
  name?: string;
  commit: string;
  meta: RunMeta;
  /** Whether the run directory was still there (else only the status changed). */
  hadOutputs: boolean;
  warnings: string[];
}

export interface RecoverOptions {
  repo: Repo;
  /** Runs to recover; none: every stale run. */
  selectors: readonly string[];
  clock?: Clock;
}

export const RECOVERED_FAILURE = 'tmt stopped before the run ended (recovered with tmt recover)';

export interface RecoverResult {
  recovered: Recovered[];
  /** Stale runs left alone (no run named): their command outlived tmt and still runs. */
  stillRunning: Array<{ id: string; pid: number }>;
}

export async function recoverRuns(opts: RecoverOptions): Promise<RecoverResult> {
  const stillRunning: RecoverResult['stillRunning'] = [];
  let runs: RunRecord[];
  if (opts.selectors.length) {
    runs = await Promise.all(opts.selectors.map((s) => resolveRun(opts.repo, s)));
  } else {
    runs = (await readRuns(opts.repo)).filter(isStale).filter((r) => {
      const pid = liveCommandPid(runDir(opts.repo, r.id));
      if (pid !== undefined) stillRunning.push({ id: r.id, pid });
      return pid === undefined;
    });
  }
  const unique = [...new Map(runs.map((r) => [r.id, r])).values()];
  for (const r of unique) assertStale(opts.repo, r);
  const recovered: Recovered[] = [];
  for (const r of unique) recovered.push(await recoverOne(opts.repo, r, opts.clock ?? systemClock));
  return { recovered, stillRunning };
}

function isStale(r: RunRecord): boolean {
  return !!r.meta && displayStatus(r.meta) === 'stale';
}

function assertStale(repo: Repo, r: RunRecord): void {
  if (!r.meta) throw unreadableRunError(r);
  const status = displayStatus(r.meta);
  if (status === 'stale') {
    const command = liveCommandPid(runDir(repo, r.id));
    if (command === undefined) return;
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} lost its tmt, but its command (pid ${command}) still runs and may still write`, {
      hint: `let it end (or stop it: kill ${command}), then run tmt recover`,
    });
  }
  if (status === 'running' && r.meta.host?.hostname === os.hostname()) {
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} is still recording (pid ${r.meta.host.pid ?? '?'} is alive)`, { hint: 'wait for it to end, or stop that tmt process first' });
  }
  if (status === 'running') {
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} was recorded on ${r.meta.host?.hostname ?? 'another host'}, where tmt may still be recording it`, {
      hint: 'run tmt recover on that host: its run directory is there',
    });
  }
  throw new TmtError('BAD_ARGUMENT', `run ${r.id} is ${status}, not stale: there is nothing to recover`, { hint: 'tmt list --status stale shows the runs whose tmt process died' });
}

async function recoverOne(repo: Repo, r: RunRecord, clock: Clock): Promise<Recovered> {
  const meta = r.meta!;
  const dir = runDir(repo, r.id);
  const hadOutputs = fs.existsSync(dir.root);
  // Without the directory, the last thing known of the run is its last update (or its start).
  const endedMs = hadOutputs ? lastWriteMs(dir.root) : Date.parse(meta.updated ?? meta.started) || clock.now();
  if (!hadOutputs) createRunDir(dir);
  const finished = await finishRun({ repo, commit: r.commit, meta, dir, status: 'killed', failure: RECOVERED_FAILURE, endedMs: Math.max(endedMs, Date.parse(meta.started)) });
  return { id: r.id, name: meta.name, commit: finished.commit, meta: finished.meta, hadOutputs, warnings: finished.warnings };
}

/** When the command last wrote anything: the newest mtime in the run directory. */
function lastWriteMs(root: string): number {
  let newest = fs.statSync(root).mtimeMs;
  for (const f of filesUnder(root)) newest = Math.max(newest, fs.statSync(f.abs).mtimeMs);
  return Math.floor(newest);
}
