/** `tmt compare`: any number of runs side by side. */
import { bool, count, formatFlags, text, type FlagsOf } from '../flags.js';
import { command, operand, splitAtDashDash } from '../spec.js';
import { PAGE_FLAGS, readPageFlags } from './page-flags.js';

const COMPARE_FORMATS = ['table', 'json', 'csv', 'md'] as const;

const flags = {
  where: text('-w, --where <expr>', 'also compare the runs matching this filter expression (oldest first)'),
  limit: count('--limit <n>', 'with --where: at most the newest N matching runs'),
  onlyChanged: bool('--only-changed', 'only the params and metrics that differ between the runs'),
  ...formatFlags(COMPARE_FORMATS, 'same as --format json (schemaVersion 1)'),
  ...PAGE_FLAGS,
};

export type CompareFlags = FlagsOf<typeof flags>;

export const compare = command({
  name: 'compare',
  description: 'compare any number of runs side by side: params, metrics, and (with --html) charts, artifacts and code',
  usage: '[options] [run...] [-- <path>...]',
  operand: operand('[runs...]', 'runs to compare; the first is the reference'),
  flags,
  help: `
Runs named twice are an error; runs that --where matches again are listed once.
In the terminal, metric values are green when better and red when worse than the
first run's, and the best run's (on a tie, the newest's) is bold. Direction:
--higher-is-better/--lower-is-better, then git config tmt.metric.<name>.direction
higher|lower, then loss-like names lower (loss, error, ...) and score-like names
higher (acc, f1, reward, ...); other metrics (lr, epoch) are shown but not judged.
The --html page diffs the first run's code against each other run's.

Examples:
  $ tmt compare baseline tuned wide
  $ tmt compare --where 'tags has sweep' --only-changed
  $ tmt compare baseline --where 'params.lr < 0.01' --format csv > runs.csv
  $ tmt compare baseline tuned --html -o compare.html`,
  async run({ flags: f, operands, dashDash }, ctx) {
    const { compareCommand } = await import('../actions/compare.js');
    const { before: runs, after: paths } = splitAtDashDash(operands, dashDash);
    return compareCommand({ cwd: ctx.cwd(), runs, paths, where: f.where, limit: f.limit, onlyChanged: f.onlyChanged, format: f.format, page: readPageFlags(f) }, ctx);
  },
});
