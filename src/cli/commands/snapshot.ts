/** `tmt snapshot`: the working tree as a git tree object. */
import { bool, textOr, type FlagsOf } from '../flags.js';
import { command } from '../spec.js';

const flags = {
  json: bool('--json', 'print a JSON object with the file count, skipped files and timing'),
  noCache: bool('--no-cache', 'ignore the stat cache and hash every file'),
  maxFileSize: textOr('--max-file-size <size>', 'leave out files larger than this (e.g. 100M, 2G; 0 = no cap)', '100M'),
};

export type SnapshotFlags = FlagsOf<typeof flags>;

export const snapshot = command({
  name: 'snapshot',
  description: 'write the working tree as a git tree object and print its id (like `git write-tree`)',
  flags,
  help: `
Examples:
  $ tmt snapshot                 # tree id of tracked + untracked, non-ignored files
  $ tmt snapshot --json          # with file count, skipped files and timing
  $ git ls-tree -r $(tmt snapshot)`,
  async run({ flags: f }, ctx) {
    const { snapshotCommand } = await import('../actions/snapshot.js');
    return snapshotCommand({ cwd: ctx.cwd(), ...f }, ctx);
  },
});
