/** `tmt report`: the ui's views as one self-contained, offline HTML file. */
import { bool, count, text, type FlagsOf } from '../flags.js';
import { command } from '../spec.js';

const flags = {
  where: text('-w, --where <expr>', 'only runs matching this filter expression'),
  limit: count('--limit <n>', 'the newest n runs the filter matches, at most (default 500)'),
  output: text('-o, --output <file>', 'where to write the page (- for stdout; default under .git/tmt/html/)'),
  noOpen: bool('--no-open', "don't open the page in a browser (it never opens off a terminal or under CI)"),
};

export type ReportFlags = FlagsOf<typeof flags>;

export const report = command({
  name: 'report',
  description: "write the ui's table, charts and run details as one self-contained HTML file, offline",
  flags,
  help: `
The page holds every datum it shows (runs, their series, details and log tails)
and fetches nothing: attach it to an issue, or a paper's supplement. Search and
sorting work in it; filters are chosen when it is written (--where).

Examples:
  $ tmt report -o runs.html
  $ tmt report --where 'sweep.name = lr-width' -o sweep.html`,
  async run({ flags: f }, ctx) {
    const { reportCommand } = await import('../actions/report.js');
    return reportCommand({ cwd: ctx.cwd(), ...f }, ctx);
  },
});
