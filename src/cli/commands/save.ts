/** `tmt save`: the working tree as a finished run, without running a command. */
import { bool, list, type FlagsOf } from '../flags.js';
import { command } from '../spec.js';
import { LABEL_FLAGS } from './record.js';

const flags = {
  ...LABEL_FLAGS,
  param: list('-p, --param <key=value>', 'param (repeatable); numbers stay numbers'),
  metric: list('-m, --metric <key=value>', 'final metric value (repeatable)'),
  json: bool('--json', 'print the run as JSON'),
};

export type SaveFlags = FlagsOf<typeof flags>;

export const save = command({
  name: 'save',
  description: 'record the current working tree as a finished run, without running a command',
  flags,
  help: `
Examples:
  $ tmt save -n baseline -p lr=0.01 -m acc=0.91
  $ tmt save -t notebook -d "numbers from the cluster job"`,
  async run({ flags: f }, ctx) {
    const { saveCommand } = await import('../actions/save.js');
    return saveCommand({ cwd: ctx.cwd(), ...f }, ctx);
  },
});
