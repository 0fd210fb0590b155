/** `tmt best`: the best run by a metric, or the best per group. */
import { bool, formatFlags, required, text, type FlagsOf } from '../flags.js';
import { command } from '../spec.js';

const BEST_FORMATS = ['table', 'json', 'csv', 'tsv', 'md'] as const;

const flags = {
  metric: required('-m, --metric <name>', 'the metric to rank by (its last value, or see --window)'),
  max: bool('--max', 'higher is better (default for acc, f1, reward, ...; assumed, with a warning, when the name says neither)'),
  min: bool('--min', 'lower is better (default for loss, error, mse, perplexity, ...)'),
  where: text('-w, --where <expr>', 'only runs matching this filter expression'),
  groupBy: text('-g, --group-by <fields>', 'the best run per distinct value of these fields'),
  window: text('--window <last:N|last:P%>', 'score by the mean of the last N points or P% of each series'),
  anyStatus: bool('--any-status', 'count failed, killed and running runs too (default: finished runs only, unless --where names status)'),
  ...formatFlags(BEST_FORMATS, 'same as --format json'),
};

export type BestFlags = FlagsOf<typeof flags>;

export const best = command({
  name: 'best',
  description: 'the best run by a metric, or the best run per group',
  flags,
  help: `
Examples:
  $ tmt best --metric acc
  $ tmt best --metric val_loss --where 'params.epochs >= 10'
  $ tmt best --metric acc --group-by params.model --window last:10%`,
  async run({ flags: f }, ctx) {
    const { bestCommand } = await import('../actions/best.js');
    return bestCommand({ cwd: ctx.cwd(), ...f }, ctx);
  },
});
