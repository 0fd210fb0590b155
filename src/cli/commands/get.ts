/** `tmt get`: a run's artifacts, logs or metrics.jsonl back as files, byte for byte. */
import { bool, text, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  output: text('-o, --output <path>', 'one file: this file, or into this directory; several: into this directory (made if missing); - is stdout'),
  all: bool('-a, --all', 'every artifact, sub-directories kept'),
  log: text('--log <stream>', 'the log instead of artifacts: stdout or stderr (to stdout unless -o)'),
  metrics: bool('--metrics', 'metrics.jsonl as stored, instead of artifacts (to stdout unless -o)'),
  force: bool('-f, --force', 'replace files that exist'),
  remote: text('--remote <remote>', 'where to download LFS artifacts that are not here from, first (a remote, URL or path)'),
  json: bool('--json', 'print what was written as JSON (schemaVersion 1)'),
};

export type GetFlags = FlagsOf<typeof flags>;

export const get = command({
  name: 'get',
  description: "get a run's artifacts, logs or metrics back as files, byte for byte",
  operand: operand('<run> [artifact...]', ['id prefix, name, NAME~N, last or last~N', 'artifacts by the names tmt show lists (a directory name takes what is under it)']),
  flags,
  help: `
One artifact goes to a file of its name here (or -o FILE, or -o - for stdout);
several, a directory's name or --all go into the current directory (or -o DIR)
with their sub-paths. A file that exists is never replaced without --force.
Only regular files are written, under names that stay inside the directory:
symbolic links, submodules and names such as ../x are left out with a warning.
The paths written are printed, one a line. An artifact kept in git LFS that is
not here yet is downloaded first (git-lfs, from the remotes the run came from).

Examples:
  $ tmt get last model.json
  $ tmt get baseline checkpoints/ -o ckpt/
  $ tmt get 01m81s6q --all -o results/01m81s6q
  $ tmt get last model.json -o - | python3 -m json.tool
  $ tmt get last --log stderr | less
  $ tmt get last --metrics -o metrics.jsonl`,
  async run({ flags: f, operands }, ctx) {
    const { getCommand } = await import('../actions/get.js');
    const [run, ...artifacts] = operands;
    return getCommand({ cwd: ctx.cwd(), run: run!, artifacts, ...f }, ctx);
  },
});
