import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { metricDirections } from '../../compare/direction.js';
import { parseWindow, pickBest, type Direction } from '../../query/best.js';
import { checkField, splitFields } from '../../query/expr/index.js';
import { selectRuns, whereNames } from '../../query/list.js';
import { withCatalog } from '../../run/read/read.js';
import { readSeries } from '../../run/read/series.js';
import { TABULAR_FORMATS } from '../render/formats.js';
import { formatValue } from '../render/format.js';
import type { BestFlags } from '../commands/best.js';
import type { Context } from '../context.js';
import { unknownFieldWarning, warn, warnUnreadableLeftOut } from '../output.js';

export type BestCommandOptions = BestFlags & { cwd: string };

export async function bestCommand(opts: BestCommandOptions, { out, term }: Context): Promise<number> {
  if (opts.max && opts.min) throw new TmtError('BAD_ARGUMENT', '--max and --min contradict each other', { hint: 'pick one, or neither to use the default for the metric' });
  const metric = opts.metric.replace(/^metrics\./, '');
  const window = opts.window ? parseWindow(opts.window) : undefined;
  const groupBy = opts.groupBy === undefined ? undefined : splitFields(opts.groupBy);
  if (groupBy && groupBy.length === 0) throw new TmtError('BAD_ARGUMENT', '--group-by is empty', { hint: 'name at least one field, e.g. --group-by params.model' });
  for (const k of groupBy ?? []) checkField(k, '--group-by');
  const repo = await openRepo({ cwd: opts.cwd });
  // --max/--min, else `git config tmt.metric.<name>.direction`, else the default for the name.
  const { directions, warnings } = await metricDirections(repo, [metric], { higher: opts.max ? [metric] : [], lower: opts.min ? [metric] : [] });
  for (const w of warnings) warn(out, w);
  const direction: Direction = directions.get(metric)!.direction;
  const found = await withCatalog(repo, async (catalog) => {
    const selection = selectRuns(catalog, { where: opts.where, nowMs: Date.now(), fields: [`metrics.${metric}`, ...(groupBy ?? [])] });
    for (const f of selection.unknownFields) if (f.field !== `metrics.${metric}`) warn(out, unknownFieldWarning(f));
    // Unreadable runs have no metric to rank: count them whether or not a filter met them.
    warnUnreadableLeftOut(out, selection.unreadableLeftOut + selection.runs.filter((r) => r.status === 'unreadable').length);
    const withMetric = selection.runs.filter((r) => Object.hasOwn(r.metrics, metric));
    // A failed or killed run's last value is wherever it stopped, not a result: only finished
    // runs compete, unless the filter speaks of status itself or --any-status says otherwise.
    const anyStatus = opts.anyStatus || whereNames(opts.where, 'status');
    const candidates = anyStatus ? withMetric : withMetric.filter((r) => r.status === 'finished');
    const left = withMetric.length - candidates.length;
    if (left > 0) warn(out, `left out ${left} run${left === 1 ? '' : 's'} with ${metric} that did not finish (failed, killed, running or stale); --any-status counts them`);
    const rowOf = new Map(selection.runs.map((r, k) => [r.id, selection.rows[k]!]));
    // The window reads each candidate's series from its outputs commit.
    const series = window ? await readSeries(repo, candidates.map((c) => catalog.record(rowOf.get(c.id)!)), metric) : undefined;
    const seriesless = series ? candidates.filter((c) => !series.get(c.id)?.length).length : 0;
    if (seriesless) warn(out, `${seriesless} run${seriesless === 1 ? ' has' : 's have'} no series for ${metric} (final values only, as tmt save -m writes): scored by ${seriesless === 1 ? 'its' : 'their'} last value`);
    const { picked, diverged } = pickBest(candidates, { metric, direction, window, groupBy, series });
    if (diverged) warn(out, `left out ${diverged} run${diverged === 1 ? '' : 's'} whose ${metric}${window ? ' window' : ''} is NaN or infinite (diverged); tmt list --where 'metrics.${metric} = nan' shows NaN ones`);
    return { left, diverged, picked: picked.map((b) => ({ ...b, name: catalog.meta(rowOf.get(b.run.id)!)?.name })) };
  });
  const best = found.picked;
  if (best.length === 0) {
    if (found.diverged) throw new TmtError('NOT_FOUND', `every run with a metric "${metric}" has it NaN or infinite`, { hint: 'runs that diverged have no best; see them with tmt list --columns name,metrics.' + metric });
    throw new TmtError('NOT_FOUND', `no ${found.left ? 'finished ' : ''}run${opts.where ? ' matching --where' : ''} has a metric "${metric}"`, {
      hint: found.left ? '--any-status counts runs that did not finish' : 'see which metrics runs have with tmt list --format csv',
    });
  }
  const scoreLabel = window ? `${metric} (mean of ${opts.window})` : metric;
  if (opts.format === 'json') {
    out.json({ schemaVersion: 1, metric, direction, window: opts.window ?? null, best: best.map((b) => ({ group: b.group ?? null, id: b.run.id, name: b.name ?? null, score: b.score })) });
    return 0;
  }
  const keys = groupBy ?? [];
  const table = {
    columns: [...keys, 'id', 'name', scoreLabel],
    rows: best.map((b) => [...keys.map((k) => (b.group?.[k] ?? null) as string | number | null), b.run.id, b.name ?? '', opts.format === 'table' ? formatValue(b.score) : b.score]),
  };
  out.out(TABULAR_FORMATS[opts.format](table, { width: term.width, color: out.color }));
  return 0;
}
