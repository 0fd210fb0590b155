/**
 * The metrics protocol: the command appends JSON objects, one per line, to the
 * file named by $TMT_METRICS, e.g. {"step": 3, "loss": 0.41, "acc": 0.8}.
 * Any language can do that with no client library. `step` is optional; a
 * point without one follows the metric's previous step (the first is step 0). Bad lines and values are
 * reported with their line numbers and skipped; everything else is kept,
 * NaN and ±Infinity included (as Python's json.dumps writes them): a loss that
 * diverged is the fact about that run, not noise.
 */
import type { MetricSummary } from '../note/metadata.js';

export interface MetricPoint {
  step: number;
  value: number;
}

export type MetricSeries = Record<string, MetricPoint[]>;

export interface ParsedMetrics {
  series: MetricSeries;
  warnings: string[];
}

// Python's json.dumps writes these bare tokens by default; JSON.parse rejects them.
const NON_FINITE = /(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;
const SENTINEL = '__tmt_non_finite__:';

/**
 * Parses metrics lines (`firstLine` numbers the first one, for warnings).
 * Series are keyed by metric name in an object with no prototype: a metric
 * may be called `constructor` or `toString`.
 */
export function parseMetrics(text: string, into: ParsedMetrics = { series: Object.create(null) as MetricSeries, warnings: [] }, firstLine = 1): ParsedMetrics {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const n = firstLine + i;
    const line = raw.trim();
    if (!line) return;
    let doc: unknown;
    try {
      doc = JSON.parse(line.replace(NON_FINITE, `"${SENTINEL}$1"`));
    } catch {
      into.warnings.push(`metrics line ${n}: not valid JSON; skipped`);
      return;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      into.warnings.push(`metrics line ${n}: not a JSON object; skipped`);
      return;
    }
    const record = doc as Record<string, unknown>;
    let step: number | undefined;
    if ('step' in record) {
      if (typeof record.step === 'number' && Number.isFinite(record.step)) step = record.step;
      else into.warnings.push(`metrics line ${n}: step ${show(record.step)} is not a number; counting instead`);
    }
    for (const [name, value] of Object.entries(record)) {
      if (name === 'step') continue;
      const number = typeof value === 'number' ? value : nonFinite(value);
      if (number === undefined) {
        into.warnings.push(`metrics line ${n}: "${name}" is ${describe(value)}; skipped`);
        continue;
      }
      const points = (into.series[name] ??= []);
      points.push({ step: step ?? (points.length ? points[points.length - 1]!.step + 1 : 0), value: number });
    }
  });
  return into;
}

/** NaN, Infinity or -Infinity, as the line spelled it bare; undefined for anything else. */
function nonFinite(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value.startsWith(SENTINEL)) return undefined;
  return Number(value.slice(SENTINEL.length));
}

function describe(value: unknown): string {
  if (typeof value === 'string' && value.startsWith(SENTINEL)) return value.slice(SENTINEL.length);
  return `not a number (${show(value)})`;
}

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** first, last, min, max and count per metric, with the steps of min and max. */
export function summarize(series: MetricSeries): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = Object.create(null) as Record<string, MetricSummary>;
  for (const [name, points] of Object.entries(series)) {
    if (points.length === 0) continue;
    // min and max of the finite values; first and last as logged, NaN included.
    let min: MetricPoint | undefined;
    let max: MetricPoint | undefined;
    for (const p of points) {
      if (!Number.isFinite(p.value)) continue;
      if (!min || p.value < min.value) min = p;
      if (!max || p.value > max.value) max = p;
    }
    out[name] = {
      first: points[0]!.value,
      last: points[points.length - 1]!.value,
      min: min?.value ?? NaN,
      max: max?.value ?? NaN,
      count: points.length,
      ...(min ? { minStep: min.step, maxStep: max!.step } : {}),
    };
  }
  return out;
}

/** The series as canonical JSON lines, one point per line: {"step":3,"loss":0.41}. */
/**
 * A record's summaries after its series were read again: each series' own
 * summary, over the ones the record had. Final values saved with
 * `tmt save -m` have no series, and must not vanish when a point is logged.
 */
export function withSeries(kept: Record<string, MetricSummary> | undefined, series: MetricSeries, warnings: string[]): Record<string, MetricSummary> {
  const all = Object.assign(Object.create(null) as Record<string, MetricSummary>, kept, summarize(series));
  const names = Object.keys(all);
  if (names.length <= MAX_METRICS_IN_NOTE) return all;
  warnings.push(`${names.length} metric names: the note keeps the summaries of the first ${MAX_METRICS_IN_NOTE} (by first appearance); every series stays in metrics.jsonl`);
  const out = Object.create(null) as Record<string, MetricSummary>;
  for (const n of names.slice(0, MAX_METRICS_IN_NOTE)) out[n] = all[n]!;
  return out;
}

/** How many metric summaries one run's note keeps (the series all stay in metrics.jsonl). */
export const MAX_METRICS_IN_NOTE = 1000;

/** How many warnings one run's note keeps; the rest are counted in one more. */
export const MAX_WARNINGS_IN_NOTE = 50;

/** `warnings`, at most MAX_WARNINGS_IN_NOTE of them plus one that counts the rest. */
export function capWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS_IN_NOTE) return [...warnings];
  const more = warnings.length - MAX_WARNINGS_IN_NOTE;
  return [...warnings.slice(0, MAX_WARNINGS_IN_NOTE), `... and ${more} more warning${more === 1 ? '' : 's'} like these`];
}

export function seriesToJsonl(series: MetricSeries): string {
  const rows: string[] = [];
  for (const [name, points] of Object.entries(series)) {
    for (const p of points) rows.push(metricsLine({ [name]: p.value }, p.step));
  }
  return rows.length ? rows.join('\n') + '\n' : '';
}

/** One metrics line, `{"step":3,"loss":0.41}`. JSON has no NaN: it is written bare, as Python does and parseMetrics reads. */
export function metricsLine(values: Record<string, number>, step?: number): string {
  const fields = Object.entries(values).map(([name, v]) => `${JSON.stringify(name)}:${Number.isFinite(v) ? JSON.stringify(v) : String(v)}`);
  return `{${[...(step === undefined ? [] : [`"step":${JSON.stringify(step)}`]), ...fields].join(',')}}`;
}
