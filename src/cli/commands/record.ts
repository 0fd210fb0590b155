/** `tmt record`: run a command as a tracked run. */
import { bool, flagNames, list, text, textOr, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

/** What a new run is called and tagged with: `tmt record` and `tmt save` alike. */
export const LABEL_FLAGS = {
  name: text('-n, --name <name>', 'run name'),
  description: text('-d, --description <text>', 'free-text description'),
  tag: list('-t, --tag <tag>', 'tag (repeatable)'),
};

const flags = {
  ...LABEL_FLAGS,
  param: list('-p, --param <key=value>', 'param (repeatable); overrides params read from the command line'),
  paramsFile: text('--params-file <file>', 'YAML or JSON file of params'),
  env: list('--env <NAME>', 'capture this environment variable (repeatable; none are captured by default)'),
  quiet: bool('-q, --quiet', "don't print tmt's own start and end lines"),
  noPty: bool('--no-pty', 'on a terminal, give the command pipes instead of a terminal of its own'),
  noCache: bool('--no-cache', 'hash every file for the snapshot'),
  maxFileSize: textOr('--max-file-size <size>', 'leave files larger than this out of the snapshot', '100M'),
};

export type RecordFlags = FlagsOf<typeof flags>;

export const record = command({
  name: 'record',
  description: 'run a command as a tracked run: snapshot the code first, capture output, metrics and artifacts',
  usage: '[options] [--] <command> [args...]',
  operand: operand('[command...]', 'the command to run'),
  flags,
  passThrough: true,
  help: `
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
  async run({ flags: f, operands, dashDash }, ctx) {
    const { recordCommand } = await import('../actions/record.js');
    // tmt's own flags after the command, without `--`, make the line ambiguous.
    return recordCommand({ cwd: ctx.cwd(), command: operands, dashDash: dashDash !== undefined, ownFlags: flagNames(flags), ...f }, ctx);
  },
});
