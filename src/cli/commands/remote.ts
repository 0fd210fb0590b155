/** `tmt remote setup`: fetch refspecs for runs and notes on a git remote. */
import { bool, type FlagsOf } from '../flags.js';
import { command, group, operand } from '../spec.js';

const flags = {
  undo: bool('--undo', 'remove them again'),
  json: bool('--json', 'print what changed as JSON (schemaVersion 1)'),
};

export type RemoteSetupFlags = FlagsOf<typeof flags>;

const setup = command({
  name: 'setup',
  description: "add fetch refspecs so a plain git fetch also downloads the remote's runs and notes",
  operand: operand('<remote>', 'a configured remote'),
  flags,
  help: `
This is the only command that writes your git config. The refspecs fill tmt's
tracking refs (refs/tmt-remotes/<remote>/runs/*, refs/notes/tmt-remotes/<remote>);
tmt fetch merges from there. No push refspec is added.

Examples:
  $ tmt remote setup origin
  $ tmt remote setup origin --undo`,
  async run({ flags, operands }, ctx) {
    const { remoteSetupCommand } = await import('../actions/remote.js');
    return remoteSetupCommand({ cwd: ctx.cwd(), remote: operands, ...flags }, ctx);
  },
});

export const remote = group({ name: 'remote', description: 'set up a git remote for runs', commands: [setup] });
