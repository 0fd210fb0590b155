/**
 * Running a sweep's trials, N at a time, each as an ordinary recorded run.
 *
 * The code is snapshotted once, when the sweep starts, and every trial runs
 * on that snapshot: each worker has a workspace (a linked worktree of it, the
 * main tree's ignored top-level entries linked in, as `tmt rerun` uses) and
 * records the snapshot's tree as given. So editing files while a long sweep
 * runs changes nothing it records. A worker's workspace is put back to the
 * snapshot between trials (what a trial wrote outside the links is removed),
 * so trials never see each other's leftovers, at the cost of a stat pass
 * instead of a fresh checkout.
 *
 * Interrupts: the first stops new trials from starting and ends the running
 * ones as `killed` (the command gets the signal); `killNow` kills them at
 * once. Either way every trial that started is saved, and running the sweep
 * again picks up the rest.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { commitIdentityEnv, writeCommit } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import { pruneWorktrees, resetWorktree } from '../git/worktree.js';
import { paramsFromArgv } from '../run/record/argv-params.js';
import { snapshotCode, type KnownCode } from '../run/record/create.js';
import { dirInRepo, recordRun, type RecordOptions, type RecordResult } from '../run/record/record.js';
import { dirInWorkspace, openWorkspace, type Workspace } from '../run/rerun/workspace.js';
import type { SnapshotResult } from '../git/snapshot.js';
import type { SweepSpec } from './spec.js';
import type { Trial } from './trials.js';
import { checkProgram } from './program.js';
import { TrialClaims, type Claim } from './claims.js';
import { trialIdentity } from './progress.js';

export interface RunSweepOptions {
  repo: Repo;
  spec: SweepSpec;
  /** The trials to run, in order (those not done yet). */
  trials: readonly Trial[];
  /** Where the sweep was started: each trial runs in the same directory of its workspace. */
  cwd: string;
  /** How many trials run at once. */
  jobs: number;
  /** GPU ids: worker w gets CUDA_VISIBLE_DEVICES=gpus[w mod gpus.length]. */
  gpus?: readonly string[];
  /** What workspaces link in from the main working tree (as tmt rerun --link). */
  link?: 'ignored' | readonly string[];
  /** Where interrupts come from (the CLI passes `process`). */
  signals?: EventEmitter;
  self?: readonly string[];
  noCache?: boolean;
  maxFileSize?: number;
  /** Where a trial's output goes. */
  streams(trial: Trial, worker: number): { stdout: Writable; stderr: Writable };
  onSnapshot?(snapshot: SnapshotResult, workspaces: number): void;
  onTrialStart?(trial: Trial, id: string, worker: number): void;
  onTrialEnd?(trial: Trial, result: RecordResult, worker: number): void;
  /** The first interrupt (stopping) and the second (killing). */
  onInterrupt?(second: boolean): void;
}

export interface SweepRunResult {
  /** The code every trial recorded. */
  tree: string;
  /** Each trial that ran, in the order they ended. */
  ended: Array<{ trial: Trial; result: RecordResult }>;
  /** Trials another tmt sweep on this spec ran or is running (see claims.ts), left to it. */
  skipped: Array<{ trial: Trial; why: string }>;
  /** Trials never started (an interrupt, or a command that could not start). */
  notStarted: number;
  interrupted: boolean;
  /** Why the sweep stopped before its last trial, if it did for a reason other than an interrupt. */
  stoppedBy?: string;
  warnings: string[];
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runSweep(opts: RunSweepOptions): Promise<SweepRunResult> {
  const { repo, spec } = opts;
  const first = opts.trials[0];
  if (!first) return { tree: '', ended: [], skipped: [], notStarted: 0, interrupted: false, warnings: [] };
  // Before anything is recorded: a command that cannot start would fail every trial.
  checkProgram(first.argv[0]!, opts.cwd);
  const relDir = dirInRepo(repo, opts.cwd) ?? '';
  const claims = new TrialClaims(repo, spec.name);
  const state = { next: 0, stopping: false, interrupts: 0, stoppedBy: undefined as string | undefined, error: undefined as unknown };
  const trialSignals = new EventEmitter();
  const killNow = new AbortController();
  const cancelled = new AbortController();
  // From the start: an interrupt while the code is snapshotted or the workspaces made must stop the sweep, not kill tmt halfway.
  const detach = SIGNALS.map((sig) => {
    const handler = () => {
      state.interrupts++;
      state.stopping = true;
      opts.onInterrupt?.(state.interrupts > 1);
      if (state.interrupts > 1) killNow.abort();
      else {
        cancelled.abort();
        trialSignals.emit(sig);
      }
    };
    opts.signals?.on(sig, handler);
    return () => void opts.signals?.off(sig, handler);
  });
  const ended: SweepRunResult['ended'] = [];
  const skipped: SweepRunResult['skipped'] = [];
  const warnings: string[] = [];
  let tree = '';
  try {
    const code = await snapshotCode(repo, { noCache: opts.noCache, maxFileSize: opts.maxFileSize });
    tree = code.tree;
    const commit = await writeCommit(repo, {
      tree: code.tree,
      parents: code.base ? [code.base] : [],
      message: `tmt sweep ${spec.name}: the code its trials run\n`,
      time: Date.now() / 1000,
      env: await commitIdentityEnv(repo),
    });
    const open = () => openWorkspace({ repo, commit, link: opts.link ?? 'ignored' });
    const workers = Math.max(1, Math.min(opts.jobs, opts.trials.length));
    // One at a time: git can trip over its own worktree bookkeeping when two are added at once.
    const workspaces: Workspace[] = [];
    try {
      for (let w = 0; w < workers && !state.stopping; w++) workspaces.push(await open());
    } catch (err) {
      await Promise.allSettled(workspaces.map((ws) => ws.remove()));
      throw err;
    }
    opts.onSnapshot?.(code.snapshot, workers);

    const work = async (w: number) => {
      let used = false;
      while (!state.stopping && state.next < opts.trials.length) {
        const trial = opts.trials[state.next++]!;
        let claim: Claim | undefined;
        try {
          claim = await claims.claim(trialIdentity(relDir, trial.repeat, trial.argv));
          if (claim.kind !== 'claimed') {
            skipped.push({ trial, why: claim.kind === 'done' ? `finished meanwhile as run ${claim.run.slice(0, 12)}` : `running in ${claim.by}` });
            continue;
          }
          if (used) workspaces[w] = await fresh(workspaces[w]!, open, repo);
          used = true;
          const result = await runTrial(opts, { trial, worker: w, ws: workspaces[w]!, relDir, code, signals: trialSignals, cancelled: cancelled.signal, killNow: killNow.signal });
          claim.release(result.meta.status === 'finished' ? result.id : undefined);
          claim = undefined;
          ended.push({ trial, result });
          opts.onTrialEnd?.(trial, result, w);
          if (result.meta.status === 'failed' && result.exitCode === 127 && /^(command not found|could not start)/.test(result.meta.failure ?? '')) {
            state.stopping = true;
            state.stoppedBy ??= result.meta.failure;
          }
        } catch (err) {
          state.stopping = true;
          state.error ??= err;
        } finally {
          if (claim?.kind === 'claimed') claim.release();
          // A workspace between trials is in use: tmt recover prunes only those untouched for minutes.
          if (workspaces[w]) touch(workspaces[w]!.dir);
        }
      }
    };
    try {
      await Promise.all(workspaces.map((_, w) => work(w)));
    } finally {
      for (const ws of workspaces) {
        try {
          await ws.remove();
        } catch (err) {
          warnings.push(`a workspace of the sweep stays at ${ws.dir} (${err instanceof Error ? err.message : String(err)}); git worktree remove --force removes it`);
        }
      }
    }
  } finally {
    for (const off of detach) off();
  }
  if (state.error) throw state.error;
  return { tree, ended, skipped, notStarted: opts.trials.length - state.next, interrupted: state.interrupts > 0, stoppedBy: state.stoppedBy, warnings };
}

/**
 * The workspace put back to the snapshot for the next trial: reset, and its
 * links restored. A trial that broke it beyond that (removed its .git file,
 * say) costs a new workspace, not the sweep.
 */
async function fresh(ws: Workspace, open: () => Promise<Workspace>, repo: Repo): Promise<Workspace> {
  try {
    await resetWorktree(ws.dir, ws.linked);
    ws.relink();
    return ws;
  } catch {
    await ws.remove().catch(async () => {
      fs.rmSync(ws.dir, { recursive: true, force: true }); // rm never follows the links in it
      await pruneWorktrees(repo);
    });
    return open();
  }
}

async function runTrial(
  opts: RunSweepOptions,
  t: { trial: Trial; worker: number; ws: Workspace; relDir: string; code: KnownCode; signals: EventEmitter; cancelled: AbortSignal; killNow: AbortSignal },
): Promise<RecordResult> {
  const { trial, worker, ws, spec } = { ...t, spec: opts.spec };
  const gpu = opts.gpus?.length ? opts.gpus[worker % opts.gpus.length] : undefined;
  const { stdout, stderr } = opts.streams(trial, worker);
  const asRun = trialRun(spec, trial);
  return recordRun({
    ...asRun,
    repo: ws.repo,
    cwd: dirInWorkspace(ws, t.relDir),
    captureEnv: gpu !== undefined ? ['CUDA_VISIBLE_DEVICES'] : [],
    env: {
      ...asRun.env,
      // Output passes through pipes here, where Python would hold it back until it exits.
      ...(process.env.PYTHONUNBUFFERED === undefined ? { PYTHONUNBUFFERED: '1' } : {}),
      ...(gpu !== undefined ? { CUDA_VISIBLE_DEVICES: gpu } : {}),
    },
    code: t.code,
    stdout,
    stderr,
    signals: t.signals,
    // Each command leads a process group of its own, which a terminal's Ctrl-C does not reach: tmt forwards every interrupt.
    ownGroup: true,
    forwardInterrupt: true,
    cancelled: t.cancelled,
    killNow: t.killNow,
    self: opts.self,
    onStart: (id) => opts.onTrialStart?.(trial, id, worker),
  });
}

/** What makes a trial's run that trial, wherever it runs: its command line, name, tag, params, sweep field and environment. */
export function trialRun(spec: SweepSpec, trial: Trial): Pick<RecordOptions, 'argv' | 'name' | 'tags' | 'params' | 'sweep'> & { env: Record<string, string> } {
  return {
    argv: trial.argv,
    name: `${spec.name}-${trial.index}`,
    tags: [spec.name],
    params: { ...paramsFromArgv(trial.argv), ...Object.fromEntries(trial.params) },
    sweep: { name: spec.name, index: trial.index, repeat: trial.repeat },
    env: { TMT_SWEEP: spec.name, TMT_SWEEP_INDEX: String(trial.index), TMT_SWEEP_REPEAT: String(trial.repeat) },
  };
}

function touch(dir: string): void {
  try {
    const now = new Date();
    fs.utimesSync(dir, now, now);
  } catch {
    // gone already: nothing to keep
  }
}
