/** `tmt checkout`: a run's code in a linked worktree of its own; `--list` and `--remove` for the ones tmt made. */
import { bool, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  list: bool('--list', 'list the checkouts tmt made: where, which run, whether they have changes'),
  remove: bool('--remove', 'remove checkouts: name their directories, or runs (all of that run\'s checkouts)'),
  force: bool('--force', 'with --remove: remove checkouts that have changes or new files too (those are lost)'),
  json: bool('--json', 'print JSON (schemaVersion 1)'),
};

export type CheckoutFlags = FlagsOf<typeof flags>;

export const checkout = command({
  name: 'checkout',
  description: "put a run's code in a new directory of its own (a git worktree); your working tree, index and branch are not touched",
  usage: '[options] <run> [dir]\n       tmt checkout --list\n       tmt checkout --remove <dir|run>... [--force]',
  operand: operand('[run-and-dir...]', "the run (id prefix, name, NAME~N, last or last~N) and where to put it (a directory that does not exist yet, or is empty); with --remove, checkouts or runs"),
  flags,
  help: `
The directory is a linked git worktree detached at the run commit, whose tree is
the run's code: git writes the files with your attributes and filters, and
\`git log\` there starts at the run. Without DIR it goes beside your working tree,
in <repo>.tmt/<run name>-<id>. Its path is printed on stdout.

A checkout with changes or new files is kept by --remove unless --force is
given. git's own \`git worktree list\` and \`git worktree remove\` work on
checkouts too.

Examples:
  $ cd "$(tmt checkout baseline)"
  $ tmt checkout 01m81s6q /tmp/baseline-code
  $ tmt checkout --list
  $ tmt checkout --remove baseline            # every checkout of that run
  $ tmt checkout --remove ../proj.tmt/baseline-01m81s6q0abc`,
  async run({ flags: f, operands }, ctx) {
    const { checkoutCommand } = await import('../actions/checkout.js');
    return checkoutCommand({ cwd: ctx.cwd(), args: operands, ...f }, ctx);
  },
});
