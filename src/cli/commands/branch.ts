/** `tmt branch RUN NAME`: a git branch whose tip holds a run's code on top of its base commit. */
import { bool } from '../flags.js';
import { command, operand } from '../spec.js';

export const branch = command({
  name: 'branch',
  description: "create a git branch whose tip is the run's code on top of its base commit (an existing branch is never moved)",
  usage: '[options] <run> <name>',
  operand: operand('[run-and-name...]', 'the run (id prefix, name, NAME~N, last or last~N), then the new branch\'s name'),
  flags: {
    json: bool('--json', 'print JSON (schemaVersion 1)'),
  },
  help: `
The branch's tip is a new commit: its tree is the run's snapshot, its parent the
commit HEAD was at when the run was recorded (none for a run recorded before
the first commit), and its message names the run, its command and its params.
So \`git diff NAME~1 NAME\` shows the uncommitted changes the run carried.
Nothing else changes: not HEAD, not the index, not the working tree. A name
that is taken is refused (exit 8).

Examples:
  $ tmt branch baseline exp/baseline
  $ git switch exp/baseline
  $ tmt branch last~2 lr-sweep-best --json`,
  async run({ flags, operands }, ctx) {
    const { branchCommand } = await import('../actions/branch.js');
    return branchCommand({ cwd: ctx.cwd(), args: operands, ...flags }, ctx);
  },
});
