import { assumedDirectionWarning, metricDirections } from '../../compare/direction.js';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { bestRuns, noBestError, parseWindow } from '../../query/best.js';
import { checkField, splitFields } from '../../query/expr/index.js';
import type { BestFlags } from '../commands/best.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import { formatValue } from '../render/format.js';
import { TABULAR_FORMATS } from '../render/formats.js';

export type BestCommandOptions = BestFlags & { cwd: string };

/** `tmt best`: the flags checked, the direction chosen (--max/--min, git config, the name, else higher with a warning), the ranking (query/best.ts) rendered. */
export async function bestCommand(opts: BestCommandOptions, { out, term }: Context): Promise<number> {
  if (opts.max && opts.min) throw new TmtError('BAD_ARGUMENT', '--max and --min contradict each other', { hint: 'pick one, or neither to use the default for the metric' });
  const metric = opts.metric.replace(/^metrics\./, '');
  const window = opts.window ? parseWindow(opts.window) : undefined;
  const groupBy = opts.groupBy === undefined ? undefined : splitFields(opts.groupBy);
  if (groupBy && groupBy.length === 0) throw new TmtError('BAD_ARGUMENT', '--group-by is empty', { hint: 'name at least one field, e.g. --group-by params.model' });
  for (const k of groupBy ?? []) checkField(k, '--group-by');
  const repo = await openRepo({ cwd: opts.cwd });
  const { directions, warnings } = await metricDirections(repo, [metric], { higher: opts.max ? [metric] : [], lower: opts.min ? [metric] : [] });
  const assumed = assumedDirectionWarning(metric, directions.get(metric)!);
  for (const w of assumed ? [...warnings, assumed] : warnings) warn(out, w);
  const best = await bestRuns(repo, { metric, direction: directions.get(metric)!.direction, where: opts.where, groupBy, window, anyStatus: opts.anyStatus, nowMs: Date.now() });
  for (const w of best.warnings) warn(out, w);
  if (best.picks.length === 0) throw noBestError(best, opts.where);
  if (opts.format === 'json') {
    out.json({ schemaVersion: 1, metric, direction: best.direction, directionSource: directions.get(metric)!.source, window: opts.window ?? null, best: best.picks });
    return 0;
  }
  const keys = groupBy ?? [];
  const table = {
    columns: [...keys, 'id', 'name', window ? `${metric} (mean of ${opts.window})` : metric],
    rows: best.picks.map((b) => [...keys.map((k) => (b.group?.[k] ?? null) as string | number | null), b.id, b.name ?? '', opts.format === 'table' ? formatValue(b.score) : b.score]),
  };
  out.out(TABULAR_FORMATS[opts.format](table, { width: term.width, color: out.color }));
  return 0;
}
