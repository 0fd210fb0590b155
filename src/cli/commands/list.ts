/** `tmt list` (`ls`): runs, filtered, sorted, grouped or exported; with --remote, the remote's runs not here yet. */
import { bool, count, formatFlags, list as repeatable, optionalValue, text, type FlagsOf } from '../flags.js';
import { builtinFieldsForHelp } from '../../query/fields.js';
import { command } from '../spec.js';
import { wrapWords } from '../wrap.js';

const LIST_FORMATS = ['table', 'json', 'csv', 'tsv', 'md'] as const;

const flags = {
  where: text('-w, --where <expr>', 'filter expression, e.g. "metrics.acc > 0.9 and params.lr < 0.01"'),
  sort: text('-s, --sort <keys>', 'sort by FIELD[:asc|desc],... (runs missing a key sort last)'),
  columns: text('-c, --columns <fields>', 'columns to show, e.g. id,name,params.lr,metrics.acc'),
  ...formatFlags(LIST_FORMATS, 'same as --format json (schemaVersion 1)'),
  groupBy: text('-g, --group-by <fields>', 'one row per distinct value of these fields'),
  agg: text('--agg <aggs>', "with --group-by: e.g. 'mean(metrics.acc),std(metrics.acc),count' (default: count)"),
  anyStatus: bool('--any-status', 'with --group-by: count failed, killed and running runs too (default: finished runs only, unless --where, --status or --group-by names status)'),
  name: text('--name <regex>', 'only runs whose name matches'),
  since: text('--since <time>', 'started at or after (2026-11-01, 2h, 3d, yesterday)'),
  until: text('--until <time>', 'started at or before (a date: by the end of that day)'),
  status: repeatable('--status <status>', 'running, finished, failed, killed or stale (repeatable, or comma-separated)'),
  tag: repeatable('--tag <tag>', 'only runs with this tag (repeatable: all must match)'),
  limit: count('--limit <n>', 'at most this many runs'),
  remote: optionalValue('--remote [remote]', "list the remote's runs that are not here yet (fetches its notes only); default: the upstream remote, else origin"),
};

export type ListFlags = FlagsOf<typeof flags>;

/** The filter language in one paragraph; its fields come from the one table of them. */
const WHERE_HELP = [
  `Filter expressions (--where): fields ${builtinFieldsForHelp()}, params.X, metrics.X (last value) and metrics.X.min|max|first|last|count;
   operators = != < <= > >= ~ !~ (regex), in (a, b), has (tags), exists FIELD, and, or, not, parentheses; literals are numbers, 'quoted' or "quoted" strings,
   dates (2026-11-01) and times back from now (-7d, -2h). A field a run lacks makes its comparison false.`,
]
  .map((p) => wrapWords(p, 77))
  .join('\n');

export const list = command({
  name: 'list',
  aliases: ['ls'],
  description: 'list runs, newest first; filter, sort, group and export them',
  flags,
  help: `
${WHERE_HELP}

Examples:
  $ tmt list
  $ tmt ls --since yesterday --status finished
  $ tmt list --where 'metrics.acc > 0.5 and params.lr < 0.01' --sort metrics.acc:desc --limit 20
  $ tmt list --group-by params.lr --agg 'mean(metrics.acc),std(metrics.acc),count'
  $ tmt list --format csv > runs.csv      # pandas.read_csv('runs.csv')
  $ tmt list --remote origin              # runs origin has that are not here yet`,
  async run({ flags: f }, ctx) {
    const { remote, ...query } = f;
    if (remote !== undefined) {
      const { listRemoteCommand } = await import('../actions/list-remote.js');
      return listRemoteCommand({ cwd: ctx.cwd(), remote: remote === true ? undefined : remote, format: f.format, ignored: filtersGiven(f) }, ctx);
    }
    const { listCommand } = await import('../actions/list.js');
    return listCommand({ cwd: ctx.cwd(), ...query }, ctx);
  },
});

/** The filter flags given with `list --remote`, which lists by what is missing here instead. */
function filtersGiven(f: ListFlags): string[] {
  const given = { '--where': f.where, '--sort': f.sort, '--columns': f.columns, '--group-by': f.groupBy, '--name': f.name, '--since': f.since, '--until': f.until, '--limit': f.limit };
  return [...Object.entries(given).filter(([, v]) => v !== undefined).map(([k]) => k), ...(f.status.length ? ['--status'] : []), ...(f.tag.length ? ['--tag'] : []), ...(f.anyStatus ? ['--any-status'] : [])];
}
