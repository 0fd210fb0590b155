import { Command, CommanderError, Option } from 'commander';
import { isTmtError, TmtError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import type { RawPageFlags } from './commands/page-flags.js';

const VERSION = '0.1.0';

/**
 * Parses argv and runs one command. Returns the exit code instead of exiting,
 * so output flushes and tests can call it in-process.
 */
export async function main(argv: readonly string[], out: Output = processOutput()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(out, (c) => (code = c), argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, out);
  }
}

function buildProgram(out: Output, setCode: (c: number) => void, argv: readonly string[]): Command {
  const program = new Command('tmt')
    .enablePositionalOptions()
    .description('That Metric Timeline: git-native experiment tracking')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: out.out, writeErr: out.err });

  program
    .command('snapshot')
    .description('write the working tree as a git tree object and print its id (like `git write-tree`)')
    .option('--json', 'print a JSON object with the file count, skipped files and timing')
    .option('--no-cache', 'ignore the stat cache and hash every file')
    .addOption(new Option('--max-file-size <size>', 'leave out files larger than this (e.g. 100M, 2G; 0 = no cap)').default('100M'))
    .addHelpText(
      'after',
      `
Examples:
  $ tmt snapshot                 # tree id of tracked + untracked, non-ignored files
  $ tmt snapshot --json          # with file count, skipped files and timing
  $ git ls-tree -r $(tmt snapshot)`,
    )
    .action(async (opts: { json?: boolean; cache: boolean; maxFileSize: string }) => {
      const { snapshotCommand } = await import('./actions/snapshot.js');
      setCode(await snapshotCommand({ cwd: process.cwd(), json: !!opts.json, noCache: !opts.cache, maxFileSize: opts.maxFileSize }, out));
    });

  program
    .command('save')
    .description('record the current working tree as a finished run, without running a command')
    .option('-n, --name <name>', 'run name')
    .option('-d, --description <text>', 'free-text description')
    .option('-t, --tag <tag>', 'tag (repeatable)', collect, [])
    .option('-p, --param <key=value>', 'param (repeatable); numbers stay numbers', collect, [])
    .option('-m, --metric <key=value>', 'final metric value (repeatable)', collect, [])
    .option('--json', 'print the run as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt save -n baseline -p lr=0.01 -m acc=0.91
  $ tmt save -t notebook -d "numbers from the cluster job"`,
    )
    .action(async (opts: { name?: string; description?: string; tag: string[]; param: string[]; metric: string[]; json?: boolean }) => {
      const { saveCommand } = await import('./actions/save.js');
      setCode(await saveCommand({ cwd: process.cwd(), ...opts, json: !!opts.json }, out));
    });

  program
    .command('record')
    .description('run a command as a tracked run: snapshot the code first, capture output, metrics and artifacts')
    .usage('[options] [--] <command> [args...]')
    .option('-n, --name <name>', 'run name')
    .option('-d, --description <text>', 'free-text description')
    .option('-t, --tag <tag>', 'tag (repeatable)', collect, [])
    .option('-p, --param <key=value>', 'param (repeatable); overrides params read from the command line', collect, [])
    .option('--params-file <file>', 'YAML or JSON file of params')
    .option('--env <NAME>', 'capture this environment variable (repeatable; none are captured by default)', collect, [])
    .option('-q, --quiet', "don't print tmt's own start and end lines")
    .option('--no-pty', 'on a terminal, give the command pipes instead of a terminal of its own')
    .option('--no-cache', 'hash every file for the snapshot')
    .option('--max-file-size <size>', 'leave files larger than this out of the snapshot', '100M')
    .argument('[command...]', 'the command to run')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The command gets its run through the environment:
  TMT_RUN_ID      the run id
  TMT_METRICS     a file: append one JSON object per line, e.g. {"step": 3, "loss": 0.41}
  TMT_ARTIFACTS   a directory: files left there become the run's artifacts

Params come from --params-file, then the command's own flags (--lr 0.01, --lr=0.01,
-e 5, --flag), then -p, later ones winning. Numbers stay numbers.

Examples:
  $ tmt record -- python train.py --lr 0.01 --epochs 10
  $ tmt record -n baseline -t sweep -p seed=1 -- python train.py
  $ tmt record --params-file config.yaml -- ./run.sh`,
    )
    .action(async (command: string[], opts: RecordFlags) => {
      const { recordCommand } = await import('./actions/record.js');
      const at = argv.findIndex((a) => a === 'record');
      const dashDash = argv.indexOf('--', at) > at;
      setCode(
        await recordCommand(
          { cwd: process.cwd(), command, dashDash, ...opts, tag: opts.tag, param: opts.param, env: opts.env, noCache: !opts.cache, quiet: !!opts.quiet, noPty: !opts.pty },
          out,
        ),
      );
    });

  program
    .command('list')
    .alias('ls')
    .description('list runs, newest first; filter, sort, group and export them')
    .option('-w, --where <expr>', 'filter expression, e.g. "metrics.acc > 0.9 and params.lr < 0.01"')
    .option('-s, --sort <keys>', 'sort by FIELD[:asc|desc],... (runs missing a key sort last)')
    .option('-c, --columns <fields>', 'columns to show, e.g. id,name,params.lr,metrics.acc')
    .option('-f, --format <format>', 'table, json, csv, tsv or md', 'table')
    .option('--json', 'same as --format json (schemaVersion 1)')
    .option('-g, --group-by <fields>', 'one row per distinct value of these fields')
    .option('--agg <aggs>', "with --group-by: e.g. 'mean(metrics.acc),std(metrics.acc),count' (default: count)")
    .option('--name <regex>', 'only runs whose name matches')
    .option('--since <time>', 'started at or after (2026-11-01, 2h, 3d, yesterday)')
    .option('--until <time>', 'started at or before (a date: by the end of that day)')
    .option('--status <status>', 'running, finished, failed, killed or stale (repeatable, or comma-separated)', collect, [])
    .option('--tag <tag>', 'only runs with this tag (repeatable: all must match)', collect, [])
    .option('--limit <n>', 'at most this many runs', (v: string) => positiveInt(v, '--limit'))
    .option('--remote [remote]', "list the remote's runs that are not here yet (fetches its notes only); default: the upstream remote, else origin")
    .addHelpText(
      'after',
      `
Filter expressions (--where): fields name, id, status, tags, started, ended,
duration (s), host, branch, commit, params.X, metrics.X (last value) and
metrics.X.min|max|first|last|count; operators = != < <= > >= ~ !~ (regex),
in (a, b), has (tags), exists FIELD, and, or, not, parentheses; literals are
numbers, 'quoted' or "quoted" strings, dates (2026-11-01) and times back from
now (-7d, -2h). A field a run lacks makes its comparison false.

Examples:
  $ tmt list
  $ tmt ls --since yesterday --status finished
  $ tmt list --where 'metrics.acc > 0.5 and params.lr < 0.01' --sort metrics.acc:desc --limit 20
  $ tmt list --group-by params.lr --agg 'mean(metrics.acc),std(metrics.acc),count'
  $ tmt list --format csv > runs.csv      # pandas.read_csv('runs.csv')
  $ tmt list --remote origin              # runs origin has that are not here yet`,
    )
    .action(async (opts: ListFlags) => {
      const width = terminalWidth();
      if (opts.remote !== undefined) {
        const { listRemoteCommand } = await import('./actions/list-remote.js');
        setCode(await listRemoteCommand({ cwd: process.cwd(), remote: opts.remote === true ? undefined : opts.remote, format: opts.json ? 'json' : opts.format, width, ignored: listFiltersGiven(opts) }, out));
        return;
      }
      const { listCommand } = await import('./actions/list.js');
      setCode(await listCommand({ cwd: process.cwd(), ...opts, format: opts.json ? 'json' : opts.format, width }, out));
    });

  program
    .command('best')
    .description('the best run by a metric, or the best run per group')
    .requiredOption('-m, --metric <name>', 'the metric to rank by (its last value, or see --window)')
    .option('--max', 'higher is better (default, except for loss-like names)')
    .option('--min', 'lower is better (default for loss, error, mse, perplexity, ...)')
    .option('-w, --where <expr>', 'only runs matching this filter expression')
    .option('-g, --group-by <fields>', 'the best run per distinct value of these fields')
    .option('--window <last:N|last:P%>', 'score by the mean of the last N points or P% of each series')
    .option('--any-status', 'count failed, killed and running runs too (default: finished runs only, unless --where names status)')
    .option('-f, --format <format>', 'table, json, csv, tsv or md', 'table')
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt best --metric acc
  $ tmt best --metric val_loss --where 'params.epochs >= 10'
  $ tmt best --metric acc --group-by params.model --window last:10%`,
    )
    .action(async (opts: { metric: string; max?: boolean; min?: boolean; where?: string; groupBy?: string; window?: string; anyStatus?: boolean; format: string; json?: boolean }) => {
      const { bestCommand } = await import('./actions/best.js');
      setCode(await bestCommand({ cwd: process.cwd(), ...opts, format: opts.json ? 'json' : opts.format, width: terminalWidth() }, out));
    });

  program
    .command('show')
    .description('show one run: metadata, params, metrics, artifacts, logs and the code it carried')
    .argument('[run]', 'run id prefix, name, NAME~N, last or last~N', 'last')
    .option('--log <stream>', 'print all of stdout or stderr')
    .option('--json', 'print JSON (schemaVersion 1)')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt show last
  $ tmt show baseline~1 --json
  $ tmt show 01m81s6q --log stderr`,
    )
    .action(async (run: string, opts: { log?: string; json?: boolean }) => {
      const { showCommand } = await import('./actions/show.js');
      setCode(await showCommand({ cwd: process.cwd(), run, log: opts.log, json: !!opts.json }, out));
    });

  const diff = program
    .command('diff')
    .description("show the code diff between two runs' snapshots, or one run against its base commit")
    .usage('[options] <run-a> [run-b] [-- <path>...]')
    .argument('[runs...]', 'one run (diffed against its base commit) or two; paths after --')
    .option('--stat', 'a diffstat instead of the patch')
    .option('--name-only', 'only the names of changed files')
    .option('--json', 'the changed files as JSON (schemaVersion 1)')
    .option('--no-pager', 'do not page the output on a terminal');
  addPageOptions(diff).addHelpText(
    'after',
    `
The terminal diff is exactly \`git diff -M <tree-a> <tree-b> -- <path>...\`: colour,
pager (pager.diff, GIT_PAGER, core.pager, PAGER, less with LESS=FRX) and diff
settings come from your git configuration, on a terminal only.

Examples:
  $ tmt diff last                      # the uncommitted changes the newest run carried
  $ tmt diff baseline tuned            # code diff between two runs
  $ tmt diff baseline~1 baseline -- src/model.py
  $ tmt diff baseline tuned --stat
  $ tmt diff baseline tuned --html     # one self-contained page: runs, params, metrics, charts, code
  $ tmt diff baseline tuned -o diff.html --lower-is-better val_score`,
  ).action(async (args: string[], opts: DiffFlags) => {
    const { diffCommand } = await import('./actions/diff.js');
    const { readPageFlags } = await import('./commands/page-flags.js');
    const { operands, paths } = splitPaths(argv, 'diff', args);
    const tty = !!process.stdout.isTTY;
    setCode(
      await diffCommand(
        { cwd: process.cwd(), runs: operands, paths, stat: !!opts.stat, nameOnly: !!opts.nameOnly, json: !!opts.json, pager: opts.pager, page: readPageFlags(opts), tty, columns: terminalWidth(), version: VERSION },
        out,
      ),
    );
  });

  const compare = program
    .command('compare')
    .description('compare any number of runs side by side: params, metrics, and (with --html) charts, artifacts and code')
    .usage('[options] [run...] [-- <path>...]')
    .argument('[runs...]', 'runs to compare; the first is the reference')
    .option('-w, --where <expr>', 'also compare the runs matching this filter expression (oldest first)')
    .option('--limit <n>', 'with --where: at most the newest N matching runs', (v: string) => positiveInt(v, '--limit'))
    .option('--only-changed', 'only the params and metrics that differ between the runs')
    .option('-f, --format <format>', 'table, json, csv or md', 'table')
    .option('--json', 'same as --format json (schemaVersion 1)');
  addPageOptions(compare).addHelpText(
    'after',
    `
Runs named twice are an error; runs that --where matches again are listed once.
In the terminal, metric values are green when better and red when worse than the
first run's (direction: --higher-is-better/--lower-is-better, then git config
tmt.metric.<name>.direction higher|lower, then loss-like names lower, others higher).
The --html page diffs the first run's code against each other run's.

Examples:
  $ tmt compare baseline tuned wide
  $ tmt compare --where 'tags has sweep' --only-changed
  $ tmt compare baseline --where 'params.lr < 0.01' --format csv > runs.csv
  $ tmt compare baseline tuned --html -o compare.html`,
  ).action(async (args: string[], opts: CompareFlags) => {
    const { compareCommand } = await import('./actions/compare.js');
    const { readPageFlags } = await import('./commands/page-flags.js');
    const { operands, paths } = splitPaths(argv, 'compare', args);
    const tty = !!process.stdout.isTTY;
    setCode(
      await compareCommand(
        {
          cwd: process.cwd(),
          runs: operands,
          paths,
          where: opts.where,
          limit: opts.limit,
          onlyChanged: !!opts.onlyChanged,
          format: opts.json ? 'json' : opts.format,
          page: readPageFlags(opts),
          tty,
          width: terminalWidth(),
          version: VERSION,
        },
        out,
      ),
    );
  });

  const log = program
    .command('log')
    .description('log metrics, params or artifacts to the current run (inside tmt record) or to --run')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt log metric loss=0.41 acc=0.8 --step 3     # inside a recorded command
  $ tmt log param batch=64 --run last
  $ tmt log artifact confusion.png --run baseline`,
    );
  for (const kind of ['metric', 'param', 'artifact'] as const) {
    const sub = log
      .command(kind)
      .description(kind === 'artifact' ? 'attach files to a run' : `log ${kind}s as key=value`)
      .argument(kind === 'artifact' ? '<path...>' : '<key=value...>')
      .option('--run <run>', 'the run to log to (default: the run tmt record started)');
    if (kind === 'metric') sub.option('--step <n>', 'the step these values belong to');
    sub.action(async (items: string[], opts: { run?: string; step?: string }) => {
      const { logCommand } = await import('./actions/log.js');
      setCode(await logCommand({ cwd: process.cwd(), kind, items, run: opts.run, step: opts.step }, out));
    });
  }

  program
    .command('edit')
    .description('rename a finished run, change its description, add or remove tags')
    .argument('<run>', 'run id prefix, name, NAME~N, last or last~N')
    .option('-n, --name <name>', 'new name ("" removes it)')
    .option('-d, --description <text>', 'new description ("" removes it)')
    .option('-t, --tag <tag>', 'add a tag (repeatable)', collect, [])
    .option('--untag <tag>', 'remove a tag (repeatable)', collect, [])
    .addHelpText(
      'after',
      `
Examples:
  $ tmt edit last --name baseline
  $ tmt edit 01m81s6q --tag keep --untag draft`,
    )
    .action(async (run: string, opts: { name?: string; description?: string; tag: string[]; untag: string[] }) => {
      const { editCommand } = await import('./actions/edit.js');
      setCode(await editCommand({ cwd: process.cwd(), run, ...opts }, out));
    });

  program
    .command('recover')
    .description('end runs whose tmt process died (status stale): keep what they wrote, mark them killed')
    .argument('[run...]', 'run selectors (default: every stale run)')
    .option('--json', 'print the recovered runs as JSON')
    .option('--force', 'also end a named stale run whose run directory is gone (you know it was recorded here): killed, with its last update as end')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt list --status stale
  $ tmt recover                  # every stale run on this host
  $ tmt recover last`,
    )
    .action(async (runs: string[], opts: { json?: boolean; force?: boolean }) => {
      const { recoverCommand } = await import('./actions/recover.js');
      setCode(await recoverCommand({ cwd: process.cwd(), runs, json: !!opts.json, force: !!opts.force }, out));
    });

  program
    .command('rm')
    .description('delete runs here, or here and on a remote (--remote)')
    .argument('[run...]', 'run selectors: id prefix, name, NAME~N, last or last~N')
    .option('-w, --where <expr>', 'delete the runs matching this filter expression')
    .option('-r, --remote <remote>', 'delete them on this remote too')
    .option('-y, --yes', 'delete more than one run without asking')
    .option('-n, --dry-run', 'print what would be deleted, delete nothing')
    .option('--json', 'print the deleted runs as JSON (schemaVersion 1)')
    .addHelpText(
      'after',
      `
A run ref and its note are deleted together. Deleting more than one run needs
--yes (on a terminal, tmt asks). A run another clone or the remote still has
comes back with the next tmt fetch; use --remote to delete it there as well.

Examples:
  $ tmt rm last
  $ tmt rm --where 'status = failed' --dry-run
  $ tmt rm --where 'status = failed' --yes
  $ tmt rm --remote origin 01m81s6q`,
    )
    .action(async (runs: string[], opts: { where?: string; remote?: string; yes?: boolean; dryRun?: boolean; json?: boolean }) => {
      const { rmCommand } = await import('./actions/rm.js');
      setCode(await rmCommand({ cwd: process.cwd(), runs, where: opts.where, remote: opts.remote, yes: !!opts.yes, dryRun: !!opts.dryRun, json: !!opts.json }, out));
    });

  program
    .command('remote')
    .description('set up a git remote for runs')
    .command('setup')
    .description('add fetch refspecs so a plain git fetch also downloads the remote\'s runs and notes')
    .argument('<remote>', 'a configured remote')
    .option('--undo', 'remove them again')
    .option('--json', 'print what changed as JSON (schemaVersion 1)')
    .addHelpText(
      'after',
      `
This is the only command that writes your git config. The refspecs fill tmt's
tracking refs (refs/tmt-remotes/<remote>/runs/*, refs/notes/tmt-remotes/<remote>);
tmt fetch merges from there. No push refspec is added.

Examples:
  $ tmt remote setup origin
  $ tmt remote setup origin --undo`,
    )
    .action(async (remote: string, opts: { undo?: boolean; json?: boolean }) => {
      const { remoteSetupCommand } = await import('./actions/remote.js');
      setCode(await remoteSetupCommand({ cwd: process.cwd(), remote, undo: !!opts.undo, json: !!opts.json }, out));
    });

  program
    .command('push')
    .description("push runs and their notes to a remote (never your branches or tags)")
    .usage('[options] [remote] [run...]')
    .argument('[remote-and-runs...]', 'a remote (name, URL or path; default: the upstream remote, else origin), then run selectors (default: all runs)')
    .option('-w, --where <expr>', 'push the runs matching this filter expression')
    .option('-q, --quiet', 'no progress or summary on stderr')
    .option('--json', 'print what was pushed as JSON (schemaVersion 1)')
    .addHelpText(
      'after',
      `
Pushes refs/tmt/runs/<id> for each run (with its code, logs, metrics and
artifacts) and refs/notes/tmt, in one atomic push. If the remote's notes moved
on since tmt last saw them, it fetches, merges and pushes again; it never
overwrites notes someone else pushed.

Examples:
  $ tmt push                         # every run, to the upstream remote or origin
  $ tmt push origin last baseline    # two runs
  $ tmt push origin --where 'metrics.acc > 0.9'
  $ tmt push ../shared.git           # a path or URL works too`,
    )
    .action(async (args: string[], opts: { where?: string; quiet?: boolean; json?: boolean }) => {
      const { pushCommand } = await import('./actions/push.js');
      setCode(await pushCommand({ cwd: process.cwd(), args, where: opts.where, quiet: !!opts.quiet, json: !!opts.json }, out));
    });

  for (const name of ['fetch', 'pull'] as const) {
    program
      .command(name)
      .description(name === 'fetch' ? "fetch a remote's runs and merge its notes into yours" : 'the same as tmt fetch')
      .argument('[remote]', 'a remote name, URL or path (default: the upstream remote, else origin)')
      .option('-q, --quiet', 'no progress or summary on stderr')
      .option('--json', 'print what was fetched as JSON (schemaVersion 1)')
      .addHelpText(
        'after',
        `
Runs new to this clone are added, runs the remote has newer are updated, and
notes are merged run by run: a run edited on both sides keeps both edits
(tags and metrics are unions; for other fields the later edit wins).

Examples:
  $ tmt ${name}
  $ tmt ${name} upstream --json`,
      )
      .action(async (remote: string | undefined, opts: { quiet?: boolean; json?: boolean }) => {
        const { fetchCommand } = await import('./actions/fetch.js');
        setCode(await fetchCommand({ cwd: process.cwd(), remote, quiet: !!opts.quiet, json: !!opts.json }, out));
      });
  }

  return program;
}

interface DiffFlags extends RawPageFlags {
  stat?: boolean;
  nameOnly?: boolean;
  json?: boolean;
  pager: boolean;
}

interface CompareFlags extends RawPageFlags {
  where?: string;
  limit?: number;
  onlyChanged?: boolean;
  format: string;
  json?: boolean;
}

/** The options of the HTML page, shared by diff and compare. */
function addPageOptions(cmd: Command): Command {
  return cmd
    .option('--html', 'write one self-contained HTML page (no network needed) and print its path')
    .option('-o, --output <file>', 'where to write the page (implies --html; - for stdout; default under .git/tmt/html/)')
    .option('--no-open', "don't open the page in a browser (it never opens off a terminal or under CI)")
    .option('--max-files <n>', 'files whose diff the page embeds, at most (default 1000; 0 = all)')
    .option('--max-lines <n>', 'diff lines the page embeds, at most (default 1000000; 0 = all)')
    .option('--higher-is-better <metric>', 'this metric is better when higher (repeatable, or comma-separated)', collect, [])
    .option('--lower-is-better <metric>', 'this metric is better when lower (repeatable, or comma-separated)', collect, []);
}

/**
 * Operands before `--` name runs; those after it are paths. Commander hands
 * both over as one list, so count what followed `--` on the command line.
 */
function splitPaths(argv: readonly string[], command: string, args: string[]): { operands: string[]; paths: string[] } {
  const at = argv.indexOf(command);
  const dashDash = argv.indexOf('--', at + 1);
  const after = dashDash < 0 ? 0 : argv.length - dashDash - 1;
  return { operands: args.slice(0, args.length - after), paths: args.slice(args.length - after) };
}

/** The filter flags given with `list --remote`, which lists by what is missing here instead. */
function listFiltersGiven(opts: ListFlags): string[] {
  const given = { '--where': opts.where, '--sort': opts.sort, '--columns': opts.columns, '--group-by': opts.groupBy, '--name': opts.name, '--since': opts.since, '--until': opts.until, '--limit': opts.limit };
  return [...Object.entries(given).filter(([, v]) => v !== undefined).map(([k]) => k), ...(opts.status.length ? ['--status'] : []), ...(opts.tag.length ? ['--tag'] : [])];
}

interface ListFlags {
  remote?: string | true;
  where?: string;
  sort?: string;
  columns?: string;
  format: string;
  json?: boolean;
  groupBy?: string;
  agg?: string;
  name?: string;
  since?: string;
  until?: string;
  status: string[];
  tag: string[];
  limit?: number;
}

interface RecordFlags {
  name?: string;
  description?: string;
  tag: string[];
  param: string[];
  paramsFile?: string;
  env: string[];
  quiet?: boolean;
  pty: boolean;
  cache: boolean;
  maxFileSize: string;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new TmtError('BAD_ARGUMENT', `${flag}: expected a whole number of 1 or more, got "${value}"`, { hint: `${flag} 20` });
  }
  return n;
}

/** File-system failures a user can fix: permissions, read-only or full disks. */
function describeIoError(err: unknown): { message: string; hint: string } | undefined {
  const e = err as NodeJS.ErrnoException;
  const what: Record<string, [string, string]> = {
    EACCES: ['permission denied', 'check that you can write to the repository (including .git)'],
    EPERM: ['operation not permitted', 'check that you can write to the repository (including .git)'],
    EROFS: ['read-only file system', 'tmt writes runs into .git; run it where the repository is writable'],
    ENOSPC: ['no space left on device', 'free some disk space and run the command again'],
    EDQUOT: ['disk quota exceeded', 'free some space and run the command again'],
  };
  const known = e && typeof e.code === 'string' ? what[e.code] : undefined;
  if (!known) return undefined;
  return { message: `${e.syscall ?? 'file operation'} ${e.path ?? ''}: ${known[0]}`.replace(/ :/, ':'), hint: known[1] };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function reportError(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // commander already printed the message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
    // Help shown because a subcommand is missing (`tmt`, `tmt log`) is a usage error, as git's is.
    if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    return EXIT.USAGE;
  }
  if (isTmtError(err)) {
    // Messages and hints name runs, refs and what a remote said; out.err spells their control characters out.
    out.err(`error: ${err.message}\n`);
    if (err.hint) out.err(`hint: ${err.hint}\n`);
    return exitCodeFor(err.code);
  }
  // process.cwd() throws this when the directory tmt was started in has been deleted.
  if ((err as NodeJS.ErrnoException | undefined)?.syscall === 'uv_cwd') {
    out.err('error: the current directory no longer exists\nhint: cd to a directory that exists and run tmt again\n');
    return EXIT.ENVIRONMENT;
  }
  const io = describeIoError(err);
  if (io) {
    out.err(`error: ${io.message}\nhint: ${io.hint}\n`);
    return EXIT.GIT;
  }
  out.err(`tmt: internal error (this is a bug; please report it)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.BUG;
}

/**
 * The width to fit tables to, on a terminal only (a pipe gets whole lines).
 * COLUMNS, when set, wins over the terminal's own size, as ls and git let it.
 */
function terminalWidth(): number | undefined {
  if (!process.stdout.isTTY) return undefined;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : process.stdout.columns || undefined; // a pty with no size says 0
}
