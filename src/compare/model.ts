/**
 * A comparison of runs as plain data: the runs side by side, params with the
 * changed ones marked, metric summaries judged better or worse against the
 * first run, series for charts, artifacts and code diffs. Terminal tables,
 * JSON and the HTML page all render this one value.
 */
import type { Direction } from '../query/best.js';
import type { MetricSummary } from '../run/metadata.js';
import type { MetricSeries } from '../run/metrics.js';
import { displayStatus, type DisplayStatus } from '../run/status.js';
import { shellQuote } from '../util/shell-quote.js';
import type { ArtifactView } from './artifacts.js';
import type { CodeDiff } from './code.js';
import type { DirectionChoice } from './direction.js';
import type { ResolvedRun } from './resolve.js';
import { thin, type SeriesColumns } from './series.js';
import { flattenParams, formatParam } from './params.js';

export const COMPARISON_SCHEMA_VERSION = 1;

export interface RunView {
  id: string;
  name?: string;
  status: DisplayStatus;
  started?: string;
  ended?: string;
  durationMs?: number;
  exitCode?: number;
  failure?: string;
  command?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  /** The commit the run was recorded on (absent: an empty repository). */
  base?: string;
  tree: string;
  dirty: boolean;
  commit: string;
  tags: string[];
  description?: string;
}

export interface ParamRow {
  key: string;
  /** Each run's value as text; null where the run lacks the param. */
  values: Array<string | null>;
  changed: boolean;
}

export type Verdict = 'better' | 'worse' | 'same';

export interface MetricRow {
  name: string;
  direction: Direction;
  directionSource: DirectionChoice['source'];
  summaries: Array<MetricSummary | null>;
  /** Each run's last value against the first run's (null: the first run, or a run without the metric). */
  verdicts: Array<Verdict | null>;
  /** The run with the best last value. */
  best: number | null;
}

export interface SeriesSet {
  name: string;
  direction: Direction;
  runs: Array<SeriesColumns | null>;
}

export interface ArtifactRow {
  path: string;
  cells: Array<ArtifactView | null>;
}

export interface DiffEntry {
  /** Index into `runs` of the old side, or null for the run's base commit. */
  fromRun: number | null;
  toRun: number;
  fromLabel: string;
  toLabel: string;
  code: CodeDiff;
}

export interface Comparison {
  schemaVersion: number;
  kind: 'diff' | 'compare';
  generatedAt: string;
  runs: RunView[];
  params: ParamRow[];
  metrics: MetricRow[];
  series: SeriesSet[];
  artifacts: ArtifactRow[];
  diffs: DiffEntry[];
  warnings: string[];
}

export interface ComparisonParts {
  kind: 'diff' | 'compare';
  runs: readonly ResolvedRun[];
  directions: ReadonlyMap<string, DirectionChoice>;
  series?: ReadonlyMap<string, MetricSeries>;
  artifacts?: ReadonlyMap<string, ArtifactView[]>;
  diffs?: DiffEntry[];
  generatedAt: string;
  warnings?: string[];
  /** Points kept per series for charts. */
  maxPoints?: number;
}

/** Assembles a comparison from what was read; pure. */
export function buildComparison(p: ComparisonParts): Comparison {
  const names = [...new Set(p.runs.flatMap((r) => Object.keys(r.meta.metrics)))].sort();
  const seriesNames = [...new Set([...(p.series?.values() ?? [])].flatMap((s) => Object.keys(s)))].sort();
  const dir = (n: string) => p.directions.get(n) ?? { direction: 'max' as const, source: 'default' as const };
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: p.kind,
    generatedAt: p.generatedAt,
    runs: p.runs.map(runView),
    params: paramRows(p.runs),
    metrics: names.map((n) => metricRow(n, p.runs, dir(n))),
    series: p.series ? seriesNames.map((n) => ({ name: n, direction: dir(n).direction, runs: p.runs.map((r) => seriesOf(p.series!, r.id, n, p.maxPoints ?? 4000)) })) : [],
    artifacts: p.artifacts ? artifactRows(p.runs, p.artifacts) : [],
    diffs: p.diffs ?? [],
    warnings: p.warnings ?? [],
  };
}

function runView(r: ResolvedRun): RunView {
  const m = r.meta;
  return {
    id: r.id,
    name: m.name,
    status: displayStatus(m),
    started: m.started || undefined,
    ended: m.ended,
    durationMs: m.durationMs,
    exitCode: m.exitCode,
    failure: m.failure,
    command: m.command?.argv.map(shellQuote).join(' '),
    cwd: m.command?.cwd,
    host: m.host ? `${m.host.user}@${m.host.hostname}` : undefined,
    branch: m.git.branch,
    base: m.git.base,
    tree: m.git.tree,
    dirty: m.git.dirty,
    commit: r.commit,
    tags: m.tags,
    description: m.description,
  };
}

function paramRows(runs: readonly ResolvedRun[]): ParamRow[] {
  const flat = runs.map((r) => flattenParams(r.meta.params));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  return keys.map((key) => {
    const values = flat.map((f) => (f.has(key) ? formatParam(f.get(key)) : null));
    return { key, values, changed: values.some((v) => v !== values[0]) };
  });
}

function metricRow(name: string, runs: readonly ResolvedRun[], d: DirectionChoice): MetricRow {
  const summaries = runs.map((r) => r.meta.metrics[name] ?? null);
  const better = (a: number, b: number) => (d.direction === 'max' ? a > b : a < b);
  const ref = summaries[0]?.last;
  const verdicts = summaries.map((s, i): Verdict | null => {
    if (i === 0 || !s || ref === undefined || !Number.isFinite(s.last) || !Number.isFinite(ref)) return null;
    return s.last === ref ? 'same' : better(s.last, ref) ? 'better' : 'worse';
  });
  let best: number | null = null;
  summaries.forEach((s, i) => {
    if (s && Number.isFinite(s.last) && (best === null || better(s.last, summaries[best]!.last))) best = i;
  });
  return { name, direction: d.direction, directionSource: d.source, summaries, verdicts, best };
}

function seriesOf(series: ReadonlyMap<string, MetricSeries>, id: string, name: string, maxPoints: number): SeriesColumns | null {
  const points = series.get(id)?.[name];
  return points?.length ? thin(points, maxPoints) : null;
}

function artifactRows(runs: readonly ResolvedRun[], artifacts: ReadonlyMap<string, ArtifactView[]>): ArtifactRow[] {
  const byRun = runs.map((r) => new Map((artifacts.get(r.id) ?? []).map((a) => [a.path, a])));
  const paths = [...new Set(byRun.flatMap((m) => [...m.keys()]))].sort();
  return paths.map((path) => ({ path, cells: byRun.map((m) => m.get(path) ?? null) }));
}
