/** `tmt metrics`: every logged point of some runs, in long form, for your own plots. */
import { count, formatFlags, list, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

export const METRICS_FORMATS = ['csv', 'tsv', 'json'] as const;

const flags = {
  metric: list('-m, --metric <name>', 'only this metric (repeatable)'),
  params: text('-p, --params <keys>', 'add these params as columns, comma-separated (e.g. lr,model.depth)'),
  where: text('-w, --where <expr>', 'also the runs matching this filter expression (oldest first)'),
  limit: count('--limit <n>', 'with --where: at most the newest N matching runs'),
  ...formatFlags(METRICS_FORMATS, 'same as --format json (schemaVersion 1; NaN and infinities are null)'),
};

export type MetricsFlags = FlagsOf<typeof flags>;

export const metrics = command({
  name: 'metrics',
  description: 'every point runs logged, one row per run, metric and step (long form, for pandas)',
  operand: operand('[runs...]', 'run selectors (default: last)'),
  flags,
  help: `
Columns: run (the run id), name (the metric), step, value, then params.KEY for
each key of --params. Rows go run by run, metric by metric, as logged; a point
logged without a step has the step tmt gave it (the previous one + 1). Values
are in full; NaN, Infinity and -Infinity as Python's float() reads them.

Examples:
  $ tmt metrics last > curves.csv        # pandas.read_csv("curves.csv")
  $ tmt metrics baseline tuned --metric loss --params lr
  $ tmt metrics --where 'tags has sweep' --params lr,seed --format tsv
  $ tmt metrics last --json`,
  async run({ flags: f, operands }, ctx) {
    const { metricsCommand } = await import('../actions/metrics.js');
    return metricsCommand({ cwd: ctx.cwd(), runs: operands, ...f }, ctx);
  },
});
