/** `tmt push`: runs and their notes to a remote. */
import { bool, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  where: text('-w, --where <expr>', 'push the runs matching this filter expression'),
  quiet: bool('-q, --quiet', 'no progress or summary on stderr'),
  json: bool('--json', 'print what was pushed as JSON (schemaVersion 1)'),
};

export type PushFlags = FlagsOf<typeof flags>;

export const push = command({
  name: 'push',
  description: 'push runs and their notes to a remote (never your branches or tags)',
  usage: '[options] [remote] [run...]',
  operand: operand('[remote-and-runs...]', 'a remote (name, URL or path; default: the upstream remote, else origin), then run selectors (default: all runs)'),
  flags,
  help: `
Pushes refs/tmt/runs/<id> for each run (with its code, logs, metrics and
artifacts) and refs/notes/tmt, in one atomic push. If the remote's notes moved
on since tmt last saw them, it fetches, merges and pushes again; it never
overwrites notes someone else pushed.

Examples:
  $ tmt push                         # every run, to the upstream remote or origin
  $ tmt push origin last baseline    # two runs
  $ tmt push origin --where 'metrics.acc > 0.9'
  $ tmt push ../shared.git           # a path or URL works too`,
  async run({ flags, operands }, ctx) {
    const { pushCommand } = await import('../actions/push.js');
    return pushCommand({ cwd: ctx.cwd(), args: operands, ...flags }, ctx);
  },
});
