/** `tmt rerun`: a run's command again, on exactly its code, as a new run. */
import { bool, list, textOr, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  param: list('-p, --param <key=value>', 'change the value of a flag the recorded command line carries (repeatable)'),
  check: bool('--check', "compare the rerun's final metrics with the run's: exit 1 and list those that differ"),
  rtol: textOr('--rtol <r>', 'with --check: relative tolerance, |rerun - run| <= atol + rtol * |run|', '0'),
  atol: textOr('--atol <a>', 'with --check: absolute tolerance', '0'),
  link: list('--link <path>', "share only this path of the working tree with the rerun (repeatable; default: every ignored top-level entry)"),
  noLink: bool('--no-link', 'share nothing of the working tree with the rerun'),
  inPlace: bool('--in-place', "run in the working tree itself, which must hold exactly the run's code"),
  keep: bool('--keep', 'keep the worktree the rerun ran in, and print its path'),
  quiet: bool('-q, --quiet', "don't print tmt's own lines"),
  noPty: bool('--no-pty', 'on a terminal, give the command pipes instead of a terminal of its own'),
  json: bool('--json', "print the result as JSON on stdout (the command's own output goes to stderr)"),
};

export type RerunFlags = FlagsOf<typeof flags>;

export const rerun = command({
  name: 'rerun',
  description: "run a run's command again on exactly its code, as a new run; --check says whether it reproduced",
  operand: operand('<run>', 'run id prefix, name, NAME~N, last or last~N'),
  flags,
  help: `
The rerun runs in a linked worktree of the run's snapshot under .git/tmt/workspaces/,
from the directory the run was recorded in, so your working tree, index and branch are
never touched. Ignored top-level entries of your working tree (data/, .venv, downloaded
weights) are linked into it, as the code expects them beside it: what the rerun writes
there lands in your copy. Anything else it writes is removed with the worktree unless
--keep; keep results by writing them to $TMT_ARTIFACTS.

The new run records rerunOf: <run id>, the same name and tags, and the same params
with -p's changes.

Examples:
  $ tmt rerun baseline
  $ tmt rerun last -p lr=0.1 -p epochs=20
  $ tmt rerun baseline --check                    # exit 0: every final metric equal
  $ tmt rerun baseline --check --rtol 1e-6 --atol 1e-9
  $ tmt rerun baseline --link data/imagenet      # share only this path
  $ tmt apply baseline && tmt rerun baseline --in-place`,
  async run({ flags: f, operands }, ctx) {
    const { rerunCommand } = await import('../actions/rerun.js');
    return rerunCommand({ cwd: ctx.cwd(), run: operands, ...f }, ctx);
  },
});
