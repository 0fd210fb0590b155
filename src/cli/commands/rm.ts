/** `tmt rm`: delete runs here, or here and on a remote. */
import { bool, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  where: text('-w, --where <expr>', 'delete the runs matching this filter expression'),
  remote: text('-r, --remote <remote>', 'delete them on this remote too'),
  yes: bool('-y, --yes', 'delete more than one run without asking'),
  dryRun: bool('-n, --dry-run', 'print what would be deleted, delete nothing'),
  json: bool('--json', 'print the deleted runs as JSON (schemaVersion 1)'),
};

export type RmFlags = FlagsOf<typeof flags>;

export const rm = command({
  name: 'rm',
  description: 'delete runs here, or here and on a remote (--remote)',
  operand: operand('[run...]', 'run selectors: id prefix, name, NAME~N, last or last~N'),
  flags,
  help: `
A run ref and its note are deleted together. Deleting more than one run needs
--yes (on a terminal, tmt asks). A run another clone or the remote still has
comes back with the next tmt fetch; use --remote to delete it there as well.

Examples:
  $ tmt rm last
  $ tmt rm --where 'status = failed' --dry-run
  $ tmt rm --where 'status = failed' --yes
  $ tmt rm --remote origin 01m81s6q`,
  async run({ flags, operands }, ctx) {
    const { rmCommand } = await import('../actions/rm.js');
    return rmCommand({ cwd: ctx.cwd(), runs: operands, ...flags }, ctx);
  },
});
