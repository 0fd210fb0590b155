/**
 * The library's way to record a run from inside a JS/TS program:
 *
 *   const run = await startRun({ repo, name: 'baseline', params: { lr: 0.01 } });
 *   run.logMetrics({ loss: 0.41 }, 3);
 *   run.logArtifact('model.onnx');
 *   await run.end();                       // or run.end({ status: 'failed' })
 *
 * It writes the same files and the same git objects as `tmt record`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../git/repo.js';
import { systemClock, type Clock } from '../note/id.js';
import { createRun } from './create.js';
import { finishRun, type Finished } from './finish.js';
import type { RunMeta, RunStatus } from '../note/metadata.js';
import { metricsLine } from './metrics.js';
import { runDir, type RunDir } from './run-dir.js';

export interface StartRunOptions {
  repo: Repo;
  name?: string;
  description?: string;
  tags?: string[];
  params?: Record<string, unknown>;
  clock?: Clock;
}

export class RunSession {
  private ended = false;

  constructor(
    private readonly repo: Repo,
    readonly id: string,
    private commit: string,
    readonly meta: RunMeta,
    private readonly dir: RunDir,
    private readonly clock: Clock,
  ) {}

  /** Appends one point per metric, at `step` (default: each metric's next step). */
  logMetrics(values: Record<string, number>, step?: number): void {
    fs.appendFileSync(this.dir.metrics, metricsLine(values, step) + '\n');
  }

  logParams(values: Record<string, unknown>): void {
    fs.appendFileSync(this.dir.params, JSON.stringify(values) + '\n');
  }

  /** Copies a file into the run's artifacts (under `name`, default its base name). */
  logArtifact(file: string, name = path.basename(file)): void {
    const target = path.join(this.dir.artifacts, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }

  /** Publishes everything and ends the run (default status: finished). */
  async end(opts: { status?: RunStatus; failure?: string } = {}): Promise<Finished> {
    if (this.ended) throw new Error(`run ${this.id} has already ended`);
    this.ended = true;
    const done = await finishRun({
      repo: this.repo,
      commit: this.commit,
      meta: this.meta,
      dir: this.dir,
      status: opts.status ?? 'finished',
      failure: opts.failure,
      endedMs: this.clock.now(),
    });
    this.commit = done.commit;
    return done;
  }
}

/** Snapshots the working tree and starts a run; log to it, then `end()` it. */
export async function startRun(opts: StartRunOptions): Promise<RunSession> {
  const clock = opts.clock ?? systemClock;
  const created = await createRun({ ...opts, status: 'running', clock });
  const dir = runDir(opts.repo, created.id); // createRun made it
  return new RunSession(opts.repo, created.id, created.commit, created.meta, dir, clock);
}
