/** `tmt sweep`: a grid, random search or repeats of a command, each trial an ordinary run. */
import { bool, count, formatFlags, list, text, textOr, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

export const SWEEP_FORMATS = ['table', 'json', 'csv', 'tsv', 'md', 'lines', 'array'] as const;

const flags = {
  list: bool('--list', 'list every trial: index, repeat, params, its runs and whether one finished'),
  missing: bool('--missing', 'print the indices of trials with no finished run (--format array: 0-3,7 for sbatch --array)'),
  summary: bool('--summary', 'one row per combination of params, repeats folded: mean ± std and count of a metric, best first'),
  index: text('--index <i>', 'run exactly trial i, in the working tree, as a cluster array job does (--index $SLURM_ARRAY_TASK_ID)'),
  jobs: count('-j, --jobs <n>', 'run n trials at a time (default 1, or one per --gpus id)'),
  gpus: text('--gpus <ids>', 'GPU ids, e.g. 0,1: each worker gets its own CUDA_VISIBLE_DEVICES'),
  metric: text('-m, --metric <name>', "with --summary: the metric to rank by (default: the spec's metric, or the only one there is)"),
  max: bool('--max', 'with --summary: higher is better (default for acc, f1, reward, ...; assumed, with a warning, when the name says neither)'),
  min: bool('--min', 'with --summary: lower is better'),
  maxTrials: count('--max-trials <n>', 'allow a sweep of up to n trials (default 10000)'),
  link: list('--link <path>', 'share only this path of the working tree with the trials (repeatable; default: every ignored top-level entry)'),
  noLink: bool('--no-link', 'share nothing of the working tree with the trials'),
  quiet: bool('-q, --quiet', "don't print tmt's own lines"),
  noCache: bool('--no-cache', 'hash every file for the snapshot'),
  maxFileSize: textOr('--max-file-size <size>', 'leave files larger than this out of the snapshot', '100M'),
  noPty: bool('--no-pty', 'with --index on a terminal: give the command pipes instead of a terminal of its own'),
  ...formatFlags(SWEEP_FORMATS, 'same as --format json'),
};

export type SweepFlags = FlagsOf<typeof flags>;

export const sweep = command({
  name: 'sweep',
  description: 'run a grid, random search or repeats of a command from a YAML spec, each trial a run; resumable, in parallel, by index',
  operand: operand('<spec>', 'the sweep spec, a YAML file (see the README section "Sweeps")'),
  flags,
  help: `
A spec names a command and the params to sweep:
  name: lr-width
  command: python3 train.py --epochs 20
  grid: {lr: [0.1, 0.01, 0.001], hidden: [32, 64]}
  repeat: 3

Params reach the command as --key value appended to it, or fill its {key}
placeholders. Trial i runs combination i mod p (p combinations) for repeat i div p.
Every trial is a run named <sweep>-<i>, tagged <sweep>, whose note records
sweep: {name, index, repeat}: tmt list --where 'sweep.name = lr-width'.

The code is snapshotted once when the sweep starts; the trials run on that snapshot,
each worker in a worktree of it under .git/tmt/workspaces/ (put back to the snapshot
between trials), with the ignored top-level entries of your working tree (data/,
.venv) linked in. Edit freely while it runs. Keep results in $TMT_ARTIFACTS or a
linked directory. Running the sweep again runs only trials with no finished run.
Ctrl-C stops starting trials and ends the running ones as killed; a second Ctrl-C
kills them at once.

--index runs one trial in the working tree, with whatever code it finds there.

Examples:
  $ tmt sweep sweep.yaml --list
  $ tmt sweep sweep.yaml -j 4
  $ tmt sweep sweep.yaml --gpus 0,1,2,3
  $ tmt sweep sweep.yaml --index $SLURM_ARRAY_TASK_ID
  $ sbatch --array=$(tmt sweep sweep.yaml --missing --format array) job.sh
  $ tmt sweep sweep.yaml --summary --metric val/acc`,
  async run({ flags: f, operands }, ctx) {
    const { sweepCommand } = await import('../actions/sweep.js');
    return sweepCommand({ cwd: ctx.cwd(), spec: operands, ...f }, ctx);
  },
});
