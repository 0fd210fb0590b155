/** `tmt apply RUN`: a run's code into the working tree, after saving what it replaces; `--undo` and `--redo`. */
import { bool } from '../flags.js';
import { command, operand } from '../spec.js';

export const apply = command({
  name: 'apply',
  description: "make the working tree hold a run's code, to continue from it; what it replaces is saved first (--undo puts it back)",
  usage: '[options] <run>\n       tmt apply --undo | --redo | --list',
  operand: operand('[run]', 'run id prefix, name, NAME~N, last or last~N'),
  flags: {
    undo: bool('--undo', 'put back the working tree the newest apply replaced, byte for byte'),
    redo: bool('--redo', 'put back the working tree the newest --undo replaced'),
    list: bool('--list', "list this working tree's saves, newest last"),
    dryRun: bool('--dry-run', 'say which files would be written and removed; change and save nothing'),
    json: bool('--json', 'print JSON (schemaVersion 1)'),
  },
  help: `
Before any file changes, the working tree as it is (tracked files with their
edits, untracked files git does not ignore) is saved under
refs/tmt-saved/<worktree>/applied/<n>, with the exact bytes of each file about to
be overwritten or removed. Then every file that differs from the run's code is
written or removed. HEAD, the branch and the index stay as they are, so
\`git status\` and \`git diff\` show the run's changes against your commit.

Never touched: ignored files (data, checkpoints, virtualenvs), files .tmtignore
or the size cap leave out of snapshots, and submodules. If the run's code would
overwrite or remove one of them, nothing is changed (exit 8) and they are named.
Also refused: staged changes in the index, and a merge, rebase, cherry-pick or
revert in progress.

--undo restores the newest save, after saving the working tree it replaces
(for --redo); applies stack up, so two applies take two undos. Saves are kept
until you delete them: git update-ref -d refs/tmt-saved/...

Examples:
  $ tmt apply baseline
  $ tmt apply last --dry-run
  $ tmt apply --undo
  $ tmt apply --list`,
  async run({ flags, operands }, ctx) {
    const { applyCommand } = await import('../actions/apply.js');
    return applyCommand({ cwd: ctx.cwd(), run: operands, ...flags }, ctx);
  },
});
