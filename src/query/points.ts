/**
 * `tmt metrics`: the points of the runs that selectors and a filter pick, in
 * long form, for the user's own plots (one row per run, metric and step).
 */
import type { Repo } from '../git/repo.js';
import { unreadableRunError, withCatalog, type RunRecord } from '../run/read/read.js';
import { readPoints, type MetricPointRow } from '../run/outputs/metric-points.js';
import { pickRuns } from './pick.js';

export interface MetricPointsOptions {
  repo: Repo;
  /** Run selectors, in order. Neither these nor `where`: the last run. */
  runs?: readonly string[];
  /** A filter expression; its runs follow the selected ones, oldest first. */
  where?: string;
  /** At most this many runs from `where`: the newest that match. */
  limit?: number;
  /** Only these metrics, in this order (default: every metric, as first logged). */
  metrics?: readonly string[];
  nowMs?: number;
}

export interface MetricPoints {
  /** The runs picked, in order, with their metadata (params for extra columns). */
  runs: RunRecord[];
  points: MetricPointRow[];
  /** Metrics asked for that none of the runs logged (a typo, most likely). */
  unknownMetrics: string[];
}

export async function readMetricPoints(opts: MetricPointsOptions): Promise<MetricPoints> {
  const selectors = opts.runs?.length || opts.where !== undefined ? (opts.runs ?? []) : ['last'];
  const runs = await withCatalog(opts.repo, (catalog) => {
    const { runs: picked } = pickRuns(catalog, { selectors, where: opts.where, limit: opts.limit, nowMs: opts.nowMs ?? Date.now(), repeats: 'once' });
    // A run --where brings in without a readable note has no points to read; one named outright is an error.
    return picked.flatMap(({ record, selector }) => {
      if (record.meta) return [record];
      if (selector !== undefined) throw unreadableRunError(record, selector);
      return [];
    });
  });
  const points = await readPoints(opts.repo, runs, opts.metrics);
  const logged = new Set(points.map((p) => p.name));
  return { runs, points, unknownMetrics: (opts.metrics ?? []).filter((m) => !logged.has(m)) };
}
