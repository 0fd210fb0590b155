/** `tmt diff`: the code between two runs' snapshots, or one run against its base commit. */
import { bool } from '../flags.js';
import { command, operand, splitAtDashDash } from '../spec.js';
import { PAGE_FLAGS, readPageFlags } from './page-flags.js';

export const diff = command({
  name: 'diff',
  description: "show the code diff between two runs' snapshots, or one run against its base commit",
  usage: '[options] <run-a> [run-b] [-- <path>...]',
  operand: operand('[runs...]', 'one run (diffed against its base commit) or two; paths after --'),
  flags: {
    stat: bool('--stat', 'a diffstat instead of the patch'),
    nameOnly: bool('--name-only', 'only the names of changed files'),
    json: bool('--json', 'the changed files as JSON (schemaVersion 1)'),
    noPager: bool('--no-pager', 'do not page the output on a terminal'),
    ...PAGE_FLAGS,
  },
  help: `
The terminal diff is exactly \`git diff -M <tree-a> <tree-b> -- <path>...\`: colour,
pager (pager.diff, GIT_PAGER, core.pager, PAGER, less with LESS=FRX) and diff
settings come from your git configuration, on a terminal only.

Examples:
  $ tmt diff last                      # the uncommitted changes the newest run carried
  $ tmt diff baseline tuned            # code diff between two runs
  $ tmt diff baseline~1 baseline -- src/model.py
  $ tmt diff baseline tuned --stat
  $ tmt diff baseline tuned --html     # one self-contained page: runs, params, metrics, charts, code
  $ tmt diff baseline tuned -o diff.html --lower-is-better val_score`,
  async run({ flags: f, operands, dashDash }, ctx) {
    const { diffCommand } = await import('../actions/diff.js');
    const { before: runs, after: paths } = splitAtDashDash(operands, dashDash);
    return diffCommand({ cwd: ctx.cwd(), runs, paths, stat: f.stat, nameOnly: f.nameOnly, json: f.json, pager: !f.noPager, page: readPageFlags(f) }, ctx);
  },
});
