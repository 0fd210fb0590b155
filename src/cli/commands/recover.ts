/** `tmt recover`: end the runs whose tmt process died. */
import { bool, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  json: bool('--json', 'print the recovered runs as JSON'),
  force: bool('--force', 'also end a named stale run whose run directory is gone (you know it was recorded here): killed, with its last update as end'),
};

export type RecoverFlags = FlagsOf<typeof flags>;

export const recover = command({
  name: 'recover',
  description: 'end runs whose tmt process died (status stale): keep what they wrote, mark them killed',
  operand: operand('[run...]', 'run selectors (default: every stale run)'),
  flags,
  help: `
Examples:
  $ tmt list --status stale
  $ tmt recover                  # every stale run on this host
  $ tmt recover last`,
  async run({ flags, operands }, ctx) {
    const { recoverCommand } = await import('../actions/recover.js');
    return recoverCommand({ cwd: ctx.cwd(), runs: operands, ...flags }, ctx);
  },
});
