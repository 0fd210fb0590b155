/**
 * `tmt recover`: ends a run whose tmt process died (kill -9, a power cut): a
 * run still `running` on this host whose pid is gone, listed as `stale`.
 * Whatever the command had written into the run directory by then (metrics,
 * logs, artifacts, logged params) is published as at a normal end, with
 * status `killed` and the reason, or `failed` with the reason tmt wrote down
 * when it could not publish (a full disk); the end time is the run
 * directory's last write.
 *
 * Only runs started in this repository are ended: a running run's directory
 * is made before the run is published (../record/create.ts), so a stale run without
 * one here came from elsewhere (a clone on the same host, say) and is left
 * alone. Runs recorded on another host are refused: their pid cannot be
 * checked from here. One run that cannot be recovered never stops the
 * others. Directories left by runs that had already ended (tmt killed after
 * publishing, before its clean-up) are removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TmtError } from '../../errors.js';
import { git } from '../../git/exec.js';
import { runDirsRoot, runRef } from '../../git/layout.js';
import type { Repo } from '../../git/repo.js';
import { systemClock, type Clock } from '../note/id.js';
import { keepLfsOfRuns } from '../outputs/lfs-entries.js';
import { finishRun } from '../record/finish.js';
import type { RunMeta } from '../note/metadata.js';
import { readRuns, unreadableRunError, type RunRecord } from '../read/read.js';
import { resolveRun } from '../read/find-run.js';
import { createRunDir, filesUnder, liveCommandPid, readFailure, runDir } from '../record/run-dir.js';
import { displayStatus } from '../note/status.js';
import { pruneWorkspaces } from '../rerun/workspace.js';

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
  /** Also end a named stale run without a run directory here (the user says it was recorded here). */
  force?: boolean;
  clock?: Clock;
}

export const RECOVERED_FAILURE = 'tmt stopped before the run ended (recovered with tmt recover)';

export interface RecoverResult {
  recovered: Recovered[];
  /** Stale runs left alone (no run named): their command outlived tmt and still runs. */
  stillRunning: Array<{ id: string; pid: number }>;
  /** Stale runs left alone (no run named): not started in this repository. */
  notHere: string[];
  /** Runs that could not be recovered, with why; the others were recovered all the same. */
  failed: Array<{ run: string; error: unknown }>;
  /** Run directories of runs that had already ended, removed, with the bytes they held. */
  pruned: Array<{ id: string; bytes: number }>;
  /** Worktrees that killed reruns left behind, removed. */
  prunedWorkspaces: string[];
  /** Runs with LFS artifacts put back into refs/tmt-lfs/keep (restored after tmt rm, say). */
  lfsKept: string[];
}

/** How old a run directory with no run must be before it counts as abandoned (a run is published moments after its directory is made). */
const ORPHAN_AGE_MS = 10 * 60_000;

export async function recoverRuns(opts: RecoverOptions): Promise<RecoverResult> {
  const result: RecoverResult = { recovered: [], stillRunning: [], notHere: [], failed: [], pruned: [], prunedWorkspaces: [], lfsKept: [] };
  const all = await readRuns(opts.repo);
  let runs: RunRecord[] = [];
  if (opts.selectors.length) {
    for (const s of opts.selectors) {
      try {
        const r = await resolveRun(opts.repo, s);
        assertStale(opts.repo, r, opts.force ?? false);
        runs.push(r);
      } catch (err) {
        result.failed.push({ run: s, error: err });
      }
    }
  } else {
    runs = all.filter(isStale).filter((r) => {
      const dir = runDir(opts.repo, r.id);
      const pid = liveCommandPid(dir);
      if (pid !== undefined) result.stillRunning.push({ id: r.id, pid });
      else if (!fs.existsSync(dir.root)) result.notHere.push(r.id);
      return pid === undefined && fs.existsSync(dir.root);
    });
  }
  const unique = [...new Map(runs.map((r) => [r.id, r])).values()];
  for (const r of unique) {
    try {
      result.recovered.push(await recoverOne(opts.repo, r, opts.clock ?? systemClock));
    } catch (err) {
      result.failed.push({ run: r.id, error: err });
    }
  }
  const nowMs = (opts.clock ?? systemClock).now();
  result.pruned = await pruneEnded(opts.repo, all, nowMs);
  // A workspace is busy while a run that may still be running works in it; the runs just recovered no longer do.
  const ended = new Set(result.recovered.map((r) => r.id));
  const busy = all.flatMap((r) => (r.meta?.status === 'running' && !ended.has(r.id) && r.meta.command ? [r.meta.command.cwd] : []));
  result.prunedWorkspaces = await pruneWorkspaces(opts.repo, busy, nowMs);
  if (!opts.selectors.length) result.lfsKept = await keepLfsOfRuns(opts.repo, all.flatMap((r) => (r.meta?.outputs ? [{ id: r.id, outputs: r.meta.outputs }] : [])));
  return result;
}

function isStale(r: RunRecord): boolean {
  return !!r.meta && displayStatus(r.meta) === 'stale';
}

function assertStale(repo: Repo, r: RunRecord, force: boolean): void {
  if (!r.meta) throw unreadableRunError(r);
  const status = displayStatus(r.meta);
  if (status === 'stale') {
    const dir = runDir(repo, r.id);
    const command = liveCommandPid(dir);
    if (command !== undefined) {
      throw new TmtError('BAD_ARGUMENT', `run ${r.id} lost its tmt, but its command (pid ${command}) still runs and may still write`, {
        hint: `let it end (or stop it: kill ${command}), then run tmt recover`,
      });
    }
    if (fs.existsSync(dir.root) || force) return;
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} was not started in this repository (it has no run directory here), so tmt cannot tell how it ended`, {
      hint: `run tmt recover in the clone that recorded it, or tmt rm it here; if it was recorded here and its directory was deleted, tmt recover --force ${r.id} ends it as killed`,
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
  // Without its directory (only with --force), the last thing known of the run is its last update.
  const endedMs = hadOutputs ? lastWriteMs(dir.root) : Date.parse(meta.updated ?? meta.started) || clock.now();
  if (!hadOutputs) createRunDir(dir);
  // tmt wrote down why it could not publish the run (a full disk): that is how it ended.
  const failure = readFailure(dir);
  const finished = await finishRun({
    repo,
    commit: r.commit,
    meta,
    dir,
    status: failure ? 'failed' : 'killed',
    failure: failure?.reason ?? RECOVERED_FAILURE,
    exitCode: failure?.exitCode,
    endedMs: Math.max(endedMs, Date.parse(meta.started) || clock.now()),
  });
  return { id: r.id, name: meta.name, commit: finished.commit, meta: finished.meta, hadOutputs, warnings: finished.warnings };
}

/** Removes the run directories of runs that ended (and old ones no run owns); nothing a live command writes to. */
async function runRefExists(repo: Repo, id: string): Promise<boolean> {
  const { code } = await git(['rev-parse', '--verify', '-q', `${runRef(id)}^{commit}`], { cwd: repo.workTree, okCodes: [1, 128] });
  return code === 0;
}

async function pruneEnded(repo: Repo, runs: readonly RunRecord[], nowMs: number): Promise<Array<{ id: string; bytes: number }>> {
  const root = runDirsRoot(repo);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const byId = new Map(runs.map((r) => [r.id, r]));
  const pruned: Array<{ id: string; bytes: number }> = [];
  for (const id of names) {
    const dir = runDir(repo, id);
    const run = byId.get(id);
    const ended = run?.meta && run.meta.status !== 'running';
    const orphan = !run && nowMs - (fs.statSync(dir.root, { throwIfNoEntry: false })?.mtimeMs ?? nowMs) > ORPHAN_AGE_MS;
    if ((!ended && !orphan) || liveCommandPid(dir) !== undefined) continue;
    // A run published since the list was read (a library session started meanwhile) is not an orphan.
    if (orphan && (await runRefExists(repo, id))) continue;
    const bytes = filesUnder(dir.root).reduce((n, f) => n + f.size, 0);
    fs.rmSync(dir.root, { recursive: true, force: true });
    pruned.push({ id, bytes });
  }
  return pruned;
}

/** When the command last wrote anything: the newest mtime in the run directory. */
function lastWriteMs(root: string): number {
  let newest = fs.statSync(root).mtimeMs;
  for (const f of filesUnder(root)) newest = Math.max(newest, fs.statSync(f.abs).mtimeMs);
  return Math.floor(newest);
}
