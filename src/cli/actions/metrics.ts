import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { checkField, fieldValue, splitFields } from '../../query/expr/index.js';
import { readMetricPoints } from '../../query/points.js';
import { toQueryRun } from '../../query/query-run.js';
import { EXIT } from '../exit-codes.js';
import { TABULAR_FORMATS, type Cell } from '../render/formats.js';
import type { MetricsFlags } from '../commands/metrics.js';
import type { Context } from '../context.js';
import { unknownFieldWarning } from '../../query/warnings.js';
import { warn } from '../output.js';

export type MetricsCommandOptions = MetricsFlags & { cwd: string; runs: string[] };

export async function metricsCommand(opts: MetricsCommandOptions, { out }: Context): Promise<number> {
  if (opts.limit !== undefined && opts.where === undefined) throw new TmtError('BAD_ARGUMENT', '--limit goes with --where', { hint: "tmt metrics --where 'tags has sweep' --limit 10" });
  const params = paramColumns(opts.params);
  const repo = await openRepo({ cwd: opts.cwd });
  const got = await readMetricPoints({ repo, runs: opts.runs, where: opts.where, limit: opts.limit, metrics: opts.metric.length ? opts.metric : undefined, nowMs: Date.now() });
  for (const m of got.unknownMetrics) warn(out, `${got.runs.length === 1 ? 'the run logged no' : `none of the ${got.runs.length} runs logged a`} metric ${JSON.stringify(m)} (a typo?)`);
  const logged = new Set(got.points.map((p) => p.run));
  const silent = got.runs.filter((r) => !logged.has(r.id));
  if (!opts.metric.length && silent.length) {
    const which = silent.length <= 3 ? ` (${silent.map((r) => r.id.slice(0, 12)).join(', ')})` : '';
    const who = got.runs.length === 1 ? 'the run' : silent.length === got.runs.length ? `none of the ${got.runs.length} runs` : `${silent.length} of the ${got.runs.length} runs`;
    warn(out, `${who} logged ${who.startsWith('none') ? 'any' : 'no'} points${which}; final values saved with tmt save -m are in tmt show`);
  }
  const values = new Map(got.runs.map((r) => [r.id, params.map((k) => fieldValue(toQueryRun(r), k))]));
  for (const [i, k] of params.entries()) if (got.runs.length && [...values.values()].every((v) => v[i] === undefined)) warn(out, unknownFieldWarning({ field: k }));
  const columns = ['run', 'name', 'step', 'value', ...params];
  if (opts.format === 'json') {
    // Strict JSON: NaN and infinities become null, as in every --json.
    const points = got.points.map((p) => Object.fromEntries(columns.map((c, i) => [c, (i < 4 ? p[c as keyof typeof p] : values.get(p.run)![i - 4]) ?? null])));
    out.json({ schemaVersion: 1, columns, points });
  } else {
    // Points are numbers and names already; only the params need turning into cells, once per run.
    const cells = new Map([...values].map(([run, v]) => [run, v.map(cell)]));
    out.out(TABULAR_FORMATS[opts.format]({ columns, rows: got.points.map((p) => [p.run, p.name, p.step, p.value, ...cells.get(p.run)!]) }, { color: false }));
  }
  return EXIT.OK;
}

/** `--params lr,model.depth` as the fields `params.lr`, `params.model.depth`, each checked. */
function paramColumns(spec: string | undefined): string[] {
  if (spec === undefined) return [];
  const keys = splitFields(spec).map((k) => (k.startsWith('params.') ? k : `params.${k}`));
  if (keys.length === 0) throw new TmtError('BAD_ARGUMENT', '--params is empty', { hint: 'name at least one param, e.g. --params lr,seed' });
  for (const k of keys) checkField(k, '--params');
  return keys;
}

/** A value in a CSV or TSV cell: numbers in full (NaN, Infinity), lists joined with ";" as tmt list writes them, anything else as JSON. */
function cell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.join(';');
  return typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
}
