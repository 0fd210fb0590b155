/** `tmt show`: one run, whole. */
import { bool, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  log: text('--log <stream>', 'print all of stdout or stderr'),
  json: bool('--json', 'print JSON (schemaVersion 1)'),
};

export type ShowFlags = FlagsOf<typeof flags>;

export const show = command({
  name: 'show',
  description: 'show one run: metadata, params, metrics, artifacts, logs and the code it carried',
  operand: operand('[run]', 'run id prefix, name, NAME~N, last or last~N', 'last'),
  flags,
  help: `
Examples:
  $ tmt show last
  $ tmt show baseline~1 --json
  $ tmt show 01m81s6q --log stderr`,
  async run({ flags, operands }, ctx) {
    const { showCommand } = await import('../actions/show.js');
    return showCommand({ cwd: ctx.cwd(), run: operands, ...flags }, ctx);
  },
});
