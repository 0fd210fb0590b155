/**
 * Assembling a comparison from what was read: runs as views, params as rows
 * (changed ones marked), metrics judged against the first run (those whose
 * direction is known), series thinned for charts, artifacts lined up by path.
 * Pure: no git, no clock.
 */
import type { MetricSeries } from '../run/record/metrics.js';
import { displayStatus } from '../run/note/status.js';
import { shellQuote } from '../util/shell-quote.js';
import type { ArtifactView } from './artifacts.js';
import { judged, UNKNOWN_DIRECTION, type DirectionChoice } from './direction.js';
import { labelled, runLabels } from './display-names.js';
import { COMPARISON_SCHEMA_VERSION, type ArtifactRow, type Comparison, type DiffEntry, type MetricRow, type ParamRow, type RunView, type Verdict } from './model.js';
import { flattenParams, formatParam } from './params.js';
import type { ResolvedRun } from './compared-runs.js';
import { thin, type SeriesColumns } from './series.js';
import type { StderrTail } from './stderr-tail.js';

export interface ComparisonParts {
  kind: 'diff' | 'compare';
  runs: readonly ResolvedRun[];
  directions: ReadonlyMap<string, DirectionChoice>;
  series?: ReadonlyMap<string, MetricSeries>;
  artifacts?: ReadonlyMap<string, ArtifactView[]>;
  /** Failed runs' stderr tails, by run id. */
  stderrTails?: ReadonlyMap<string, StderrTail>;
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
  const dir = (n: string) => p.directions.get(n) ?? UNKNOWN_DIRECTION;
  const labels = runLabels(p.runs.map(labelled));
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: p.kind,
    generatedAt: p.generatedAt,
    runs: p.runs.map((r, i) => runView(r, labels[i]!, p.stderrTails?.get(r.id))),
    params: paramRows(p.runs),
    metrics: names.map((n) => metricRow(n, p.runs, dir(n))),
    series: p.series ? seriesNames.map((n) => ({ name: n, direction: dir(n).direction, directionSource: dir(n).source, runs: p.runs.map((r) => seriesOf(p.series!, r.id, n, p.maxPoints ?? 4000)) })) : [],
    artifacts: p.artifacts ? artifactRows(p.runs, p.artifacts) : [],
    diffs: p.diffs ?? [],
    warnings: p.warnings ?? [],
  };
}

function runView(r: ResolvedRun, label: string, stderrTail: StderrTail | undefined): RunView {
  const m = r.meta;
  return {
    id: r.id,
    name: m.name,
    label,
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
    ...(stderrTail ? { stderrTail } : {}),
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
  const summaries = runs.map((r) => (Object.hasOwn(r.meta.metrics, name) ? r.meta.metrics[name]! : null));
  const changed = summaries.some((s) => !Object.is(s?.last, summaries[0]?.last));
  const row = { name, direction: d.direction, directionSource: d.source, summaries, changed };
  // A metric nobody said the direction of (a logged lr) is shown, not judged.
  if (!judged(d)) return { ...row, verdicts: summaries.map(() => null), best: null };
  const better = (a: number, b: number) => (d.direction === 'max' ? a > b : a < b);
  const ref = summaries[0]?.last;
  const verdicts = summaries.map((s, i): Verdict | null => {
    if (i === 0 || !s || ref === undefined || !Number.isFinite(s.last) || !Number.isFinite(ref)) return null;
    return s.last === ref ? 'same' : better(s.last, ref) ? 'better' : 'worse';
  });
  let best: number | null = null;
  summaries.forEach((s, i) => {
    if (!s || !Number.isFinite(s.last)) return;
    const held = best === null ? undefined : summaries[best]!.last;
    // A tie goes to the newer run, as in tmt best (run ids sort by start time).
    if (held === undefined || better(s.last, held) || (s.last === held && runs[i]!.id > runs[best!]!.id)) best = i;
  });
  // Best of one is no finding: a metric only one run logged has no best.
  if (summaries.filter((s) => s && Number.isFinite(s.last)).length < 2) best = null;
  return { ...row, verdicts, best };
}

function seriesOf(series: ReadonlyMap<string, MetricSeries>, id: string, name: string, maxPoints: number): SeriesColumns | null {
  const all = series.get(id);
  const points = all && Object.hasOwn(all, name) ? all[name] : undefined;
  return points?.length ? thin(points, maxPoints) : null;
}

function artifactRows(runs: readonly ResolvedRun[], artifacts: ReadonlyMap<string, ArtifactView[]>): ArtifactRow[] {
  const byRun = runs.map((r) => new Map((artifacts.get(r.id) ?? []).map((a) => [a.path, a])));
  const paths = [...new Set(byRun.flatMap((m) => [...m.keys()]))].sort();
  return paths.map((path) => ({ path, cells: byRun.map((m) => m.get(path) ?? null) }));
}
