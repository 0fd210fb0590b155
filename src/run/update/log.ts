/**
 * `tmt log metric|param|artifact`. Inside a recorded command ($TMT_RUN_ID is
 * set) these append to the run's files, exactly as the command itself could;
 * outside one they update a finished run in git.
 */
import fs from 'node:fs';
import { unreadableRunError } from '../read/read.js';
import path from 'node:path';
import { isTmtError, TmtError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { readBlobAt, type TreeSource } from '../../git/tree-writer.js';
import { systemClock, type Clock } from '../note/id.js';
import type { RunMeta } from '../note/metadata.js';
import { capWarnings, metricsLine, parseMetrics, seriesToJsonl, withSeries } from '../record/metrics.js';
import { publishRun } from './publish.js';
import { resolveRun } from '../read/find-run.js';
import { displayStatus } from '../note/status.js';

/** The live run this process belongs to, from the environment `tmt record` sets. */
export interface LiveRun {
  id: string;
  metrics: string;
  artifacts: string;
  params: string;
}

export function liveRunFromEnv(env: NodeJS.ProcessEnv): LiveRun | undefined {
  const { TMT_RUN_ID: id, TMT_METRICS: metrics, TMT_ARTIFACTS: artifacts, TMT_PARAMS: params } = env;
  return id && metrics && artifacts && params ? { id, metrics, artifacts, params } : undefined;
}

export type LogTarget = { live: LiveRun } | { repo: Repo; selector: string; clock?: Clock };

export async function logMetrics(target: LogTarget, values: Record<string, unknown>, step?: number): Promise<void> {
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'number') {
      throw new TmtError('BAD_ARGUMENT', `metric ${k} must be a number, got "${String(v)}"`, { hint: 'e.g. tmt log metric loss=0.41 --step 3 (nan and inf are numbers too)' });
    }
  }
  const line = metricsLine(values as Record<string, number>, step) + '\n';
  if ('live' in target) return fs.appendFileSync(target.live.metrics, line);
  await updateFinished(target, async (run) => {
    const previous = run.meta.outputs ? ((await readBlobAt(target.repo, run.meta.outputs, 'metrics.jsonl'))?.toString('utf8') ?? '') : '';
    const parsed = parseMetrics(previous + line);
    const warnings: string[] = [];
    run.meta.metrics = withSeries(run.meta.metrics, parsed.series, warnings);
    if (warnings.length) run.meta.warnings = capWarnings([...(run.meta.warnings ?? []), ...warnings]);
    return [{ path: 'metrics.jsonl', data: seriesToJsonl(parsed.series) }];
  });
}

export async function logParams(target: LogTarget, values: Record<string, unknown>): Promise<void> {
  if ('live' in target) return fs.appendFileSync(target.live.params, JSON.stringify(values) + '\n');
  await updateFinished(target, async (run) => {
    run.meta.params = { ...run.meta.params, ...values };
    return [];
  });
}

/** The names logged, and warnings for the user (large files kept in git for want of git-lfs). */
export async function logArtifacts(target: LogTarget, files: readonly string[], cwd: string): Promise<{ names: string[]; warnings: string[] }> {
  const found = files.map((f) => {
    const abs = path.resolve(cwd, f);
    if (!fs.statSync(abs, { throwIfNoEntry: false })?.isFile()) {
      throw new TmtError('BAD_ARGUMENT', `not a file: ${f}`, { hint: 'artifacts are files; give a path to each one' });
    }
    return { abs, name: path.basename(abs) };
  });
  let warnings: string[] = [];
  if ('live' in target) {
    for (const f of found) fs.copyFileSync(f.abs, path.join(target.live.artifacts, f.name));
  } else {
    warnings = await updateFinished(target, async () => found.map((f) => ({ path: `artifacts/${f.name}`, file: f.abs })));
  }
  return { names: found.map((f) => f.name), warnings };
}

export interface LoadedRun {
  id: string;
  commit: string;
  meta: RunMeta;
}

/**
 * Applies `change` to a run's metadata (and maybe outputs) and publishes it,
 * based on the note it read: if another process edits the same run meanwhile,
 * its edit is read back and `change` applied again on top of it.
 */
export async function updateFinished(target: { repo: Repo; selector: string; clock?: Clock }, change: (run: LoadedRun) => Promise<TreeSource[]>): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const run = await resolveRun(target.repo, target.selector);
    if (!run.meta) {
      throw unreadableRunError(run);
    }
    if (displayStatus(run.meta) === 'running') {
      throw new TmtError('BAD_ARGUMENT', `run ${run.id} is still recording`, {
        hint: 'log from inside the recorded command (it has TMT_RUN_ID), or wait until it ends',
      });
    }
    const loaded = { id: run.id, commit: run.commit, meta: run.meta };
    const outputs = await change(loaded);
    try {
      return (await publishRun({ repo: target.repo, commit: run.commit, meta: loaded.meta, outputs, basedOn: run.noteBlob, time: (target.clock ?? systemClock).now() / 1000 })).warnings;
    } catch (err) {
      if (attempt < 20 && isTmtError(err, 'CONCURRENT_UPDATE')) continue;
      throw err;
    }
  }
}
