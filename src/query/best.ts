/**
 * `tmt best`: the best run, or the best per group, by a metric's last value
 * or, with a window, by the mean of the last part of its series (so one lucky
 * final step does not win).
 */
import { TmtError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import type { MetricPoint } from '../run/record/metrics.js';
import { withCatalog } from '../run/read/read.js';
import { readSeries } from '../run/read/series.js';
import { groupKey } from './aggregate.js';
import { defaultDirection, type Direction } from './direction-names.js';
import type { QueryRun } from './expr/index.js';
import { finishedOnly, unfinishedWarning } from './finished.js';
import { selectRuns } from './list.js';
import { sortBy } from './sort.js';
import { unknownFieldWarning, unreadableWarning } from './warnings.js';

export type Window = { kind: 'percent'; n: number } | { kind: 'count'; n: number };

export function parseWindow(spec: string): Window {
  const m = /^last:(\d+(?:\.\d+)?)(%?)$/.exec(spec.trim());
  const n = m ? Number(m[1]) : NaN;
  // A count of points is whole; a share may be 2.5%.
  if (!m || !(n > 0) || (m[2] && n > 100) || (!m[2] && !Number.isInteger(n))) {
    throw new TmtError('BAD_ARGUMENT', `--window: cannot read "${spec}"`, { hint: 'last:10% (the last tenth of each series) or last:50 (the last 50 points)' });
  }
  return m[2] ? { kind: 'percent', n } : { kind: 'count', n };
}

/** Mean of the last part of a series, in step order. */
export function windowScore(points: readonly MetricPoint[], w: Window): number | undefined {
  if (points.length === 0) return undefined;
  const sorted = [...points].sort((a, b) => a.step - b.step);
  const take = w.kind === 'count' ? Math.min(w.n, sorted.length) : Math.max(1, Math.ceil((sorted.length * w.n) / 100));
  const tail = sorted.slice(-take);
  return tail.reduce((s, p) => s + p.value, 0) / tail.length;
}

export interface Scored {
  run: QueryRun;
  score: number;
  group?: Record<string, unknown>;
}

/**
 * The best run per group (one group when `groupBy` is empty). `series` gives
 * each run's points for the metric when a window is used. A run scored NaN or
 * ±Infinity (it diverged, or its window holds such a point) never wins; the
 * caller is told how many were left out.
 */
export function pickBest(
  runs: readonly QueryRun[],
  opts: { metric: string; direction: Direction; window?: Window; groupBy?: readonly string[]; series?: Map<string, MetricPoint[]> },
): { picked: Scored[]; diverged: number } {
  const name = opts.metric.replace(/^metrics\./, '');
  const best = new Map<string, Scored>();
  let diverged = 0;
  for (const run of runs) {
    const last = Object.hasOwn(run.metrics, name) ? run.metrics[name]!.last : undefined;
    // A run with final values only (tmt save -m) has no series: its last value is all there is.
    const score = opts.window ? (windowScore(opts.series?.get(run.id) ?? [], opts.window) ?? last) : last;
    if (score === undefined) continue;
    if (!Number.isFinite(score)) {
      diverged++;
      continue;
    }
    const group = opts.groupBy?.length ? groupKey(run, opts.groupBy) : undefined;
    const key = JSON.stringify(group ?? null);
    const current = best.get(key);
    if (!current || (opts.direction === 'max' ? score > current.score : score < current.score)) best.set(key, { run, score, group });
  }
  const groups = [...best.values()];
  const picked = opts.groupBy?.length ? sortBy(groups, opts.groupBy.map((field) => ({ field, descending: false })), (b, field) => b.group![field]) : groups;
  return { picked, diverged };
}

export interface BestOptions {
  /** The metric to rank by (`acc` or `metrics.acc`). */
  metric: string;
  /** Which way is better; default: lower for loss-like names (defaultDirection). The CLI asks metricDirections, which reads git config too. */
  direction?: Direction;
  /** A filter expression the runs must match. */
  where?: string;
  /** The best run per distinct value of these fields. */
  groupBy?: readonly string[];
  /** Score by the mean of the last part of each series (parseWindow), not the last value. */
  window?: Window;
  /** Count runs of every status; by default only finished runs compete, unless `where` or `groupBy` names status. */
  anyStatus?: boolean;
  nowMs?: number;
}

/** One winner: of its group (null without groupBy). */
export interface BestPick {
  group: Record<string, unknown> | null;
  id: string;
  name: string | null;
  score: number;
}

export interface BestResult {
  metric: string;
  direction: Direction;
  /** Best first within each group; groups in the order of their keys. Empty when no run qualifies (see noBestError). */
  picks: BestPick[];
  /** What was left out and why, one line each. */
  warnings: string[];
  /** Runs with the metric left out for not finishing, and for a NaN or infinite score. */
  unfinished: number;
  diverged: number;
}

/**
 * `tmt best`: the best run by a metric, or the best per group. A failed or
 * killed run's last value is wherever it stopped, not a result, so only
 * finished runs compete unless asked otherwise; a run that diverged (NaN or
 * ±Infinity) never wins; a run without a series is scored by its last value.
 */
export async function bestRuns(repo: Repo, opts: BestOptions): Promise<BestResult> {
  const metric = opts.metric.replace(/^metrics\./, '');
  const direction = opts.direction ?? defaultDirection(metric);
  const { window, groupBy } = opts;
  return withCatalog(repo, async (catalog) => {
    const warnings: string[] = [];
    const selection = selectRuns(catalog, { where: opts.where, nowMs: opts.nowMs ?? Date.now(), fields: [`metrics.${metric}`, ...(groupBy ?? [])] });
    for (const f of selection.unknownFields) if (f.field !== `metrics.${metric}`) warnings.push(unknownFieldWarning(f));
    // Unreadable runs have no metric to rank: count them whether or not a filter met them.
    const unreadable = selection.unreadableLeftOut + selection.runs.filter((r) => r.status === 'unreadable').length;
    if (unreadable) warnings.push(unreadableWarning(unreadable));
    const withMetric = selection.runs.filter((r) => Object.hasOwn(r.metrics, metric));
    const { runs: candidates, unfinished } = finishedOnly(withMetric, { anyStatus: opts.anyStatus, where: opts.where, groupBy });
    if (unfinished) warnings.push(unfinishedWarning(unfinished, `with ${metric}`));
    const rowOf = new Map(selection.runs.map((r, k) => [r.id, selection.rows[k]!]));
    // The window reads each candidate's series from its outputs commit.
    const series = window ? await readSeries(repo, candidates.map((c) => catalog.record(rowOf.get(c.id)!)), metric) : undefined;
    const seriesless = series ? candidates.filter((c) => !series.get(c.id)?.length).length : 0;
    if (seriesless) warnings.push(`${seriesless} run${seriesless === 1 ? ' has' : 's have'} no series for ${metric} (final values only, as tmt save -m writes): scored by ${seriesless === 1 ? 'its' : 'their'} last value`);
    const { picked, diverged } = pickBest(candidates, { metric, direction, window, groupBy, series });
    if (diverged) warnings.push(`left out ${diverged} run${diverged === 1 ? '' : 's'} whose ${metric}${window ? ' window' : ''} is NaN or infinite (diverged); tmt list --where 'metrics.${metric} = nan' shows NaN ones`);
    const picks = picked.map((b) => ({ group: b.group ?? null, id: b.run.id, name: catalog.meta(rowOf.get(b.run.id)!)?.name ?? null, score: b.score }));
    return { metric, direction, picks, warnings, unfinished, diverged };
  });
}

/** Why a ranking picked nothing, as the error to report. */
export function noBestError(r: BestResult, where?: string): TmtError {
  if (r.diverged) return new TmtError('NOT_FOUND', `every run with a metric "${r.metric}" has it NaN or infinite`, { hint: `runs that diverged have no best; see them with tmt list --columns name,metrics.${r.metric}` });
  return new TmtError('NOT_FOUND', `no ${r.unfinished ? 'finished ' : ''}run${where ? ' matching --where' : ''} has a metric "${r.metric}"`, {
    hint: r.unfinished ? '--any-status counts runs that did not finish' : 'see which metrics runs have with tmt list --format csv',
  });
}
