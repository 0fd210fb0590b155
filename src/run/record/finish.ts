import fs from 'node:fs';
import type { Repo } from '../../git/repo.js';
import type { TreeSource } from '../../git/tree-writer.js';
import type { RunMeta, RunStatus } from '../note/metadata.js';
import { capWarnings, parseMetrics, seriesToJsonl, withSeries, type ParsedMetrics } from './metrics.js';
import { publishRun } from '../update/publish.js';
import { filesUnder, type RunDir } from './run-dir.js';

export interface FinishOptions {
  repo: Repo;
  commit: string;
  meta: RunMeta;
  dir: RunDir;
  status: RunStatus;
  exitCode?: number;
  failure?: string;
  endedMs: number;
  /** An fd on the metrics file opened before the command ran (survives its deletion). */
  metricsFd?: number;
}

export interface Finished {
  commit: string;
  meta: RunMeta;
  warnings: string[];
}

/**
 * Ends a run that was recording into its run directory: summarises metrics,
 * merges logged params, and publishes logs, metrics and artifacts with the
 * final status. The run directory is removed once git holds everything.
 */
export async function finishRun(opts: FinishOptions): Promise<Finished> {
  const { meta, dir } = opts;
  const warnings: string[] = [];
  const metrics = readMetrics(dir, opts.metricsFd, warnings);
  Object.assign(meta, {
    // A failure reason turns a finished run into a failed one; killed stays killed.
    status: opts.failure && opts.status !== 'killed' ? 'failed' : opts.status,
    params: { ...meta.params, ...readLoggedParams(dir, warnings) },
    metrics: withSeries(meta.metrics, metrics.series, warnings),
    ended: new Date(opts.endedMs).toISOString(),
    durationMs: opts.endedMs - Date.parse(meta.started),
  } satisfies Partial<RunMeta>);
  if (opts.exitCode !== undefined) meta.exitCode = opts.exitCode;
  if (opts.failure) meta.failure = opts.failure;
  // Not push(...): a file of garbage gives one warning a line, more than a call can take as arguments.
  const all = warnings.concat(metrics.warnings);
  if (all.length) meta.warnings = capWarnings(all);

  const outputs: TreeSource[] = [
    ...(fs.existsSync(dir.stdout) ? [{ path: 'logs/stdout', file: dir.stdout }] : []),
    ...(fs.existsSync(dir.stderr) ? [{ path: 'logs/stderr', file: dir.stderr }] : []),
    // From memory: on a full disk, a copy in the run directory could not be written.
    { path: 'metrics.jsonl', data: seriesToJsonl(metrics.series) },
    ...filesUnder(dir.artifacts).map((f) => ({ path: Buffer.concat([Buffer.from('artifacts/'), f.rel]), file: f.abs })),
  ];
  const published = await publishRun({ repo: opts.repo, commit: opts.commit, meta, outputs, time: opts.endedMs / 1000 });
  fs.rmSync(dir.root, { recursive: true, force: true });
  return { commit: published.commit, meta, warnings: [...(meta.warnings ?? []), ...published.warnings] };
}

/** What the command appended; a deleted or replaced file is reported, never fatal. */
function readMetrics(dir: RunDir, fd: number | undefined, warnings: string[]): ParsedMetrics {
  const handle = fd ?? openIfExists(dir.metrics);
  if (handle === undefined) return parseMetrics('');
  try {
    const held = fs.fstatSync(handle);
    let text = fs.readFileSync(handle, 'utf8');
    let now: fs.Stats | undefined;
    try {
      now = fs.statSync(dir.metrics);
    } catch {
      warnings.push('the command deleted its metrics file ($TMT_METRICS); kept what it had written');
    }
    if (now && now.ino !== held.ino) {
      warnings.push('the command replaced its metrics file ($TMT_METRICS); read both');
      text += fs.readFileSync(dir.metrics, 'utf8');
    }
    return parseMetrics(text);
  } finally {
    fs.closeSync(handle);
  }
}

function openIfExists(file: string): number | undefined {
  try {
    return fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
}

/** Params logged from inside the run with `tmt log param`. */
function readLoggedParams(dir: RunDir, warnings: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(dir.params, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, unknown> = {};
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      Object.assign(out, JSON.parse(line) as Record<string, unknown>);
    } catch {
      warnings.push(`params line ${i + 1}: not valid JSON; skipped`);
    }
  });
  return out;
}
