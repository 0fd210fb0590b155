/** `tmt fetch` and its twin `tmt pull`: a remote's runs, and its notes merged into ours. */
import { bool, type FlagsOf } from '../flags.js';
import { command, operand } from '../spec.js';

const flags = {
  quiet: bool('-q, --quiet', 'no progress or summary on stderr'),
  json: bool('--json', 'print what was fetched as JSON (schemaVersion 1)'),
};

export type FetchFlags = FlagsOf<typeof flags>;

function fetchAs(name: 'fetch' | 'pull') {
  return command({
    name,
    description: name === 'fetch' ? "fetch a remote's runs and merge its notes into yours" : 'the same as tmt fetch',
    operand: operand('[remote]', 'a remote name, URL or path (default: the upstream remote, else origin)'),
    flags,
    help: `
Runs new to this clone are added, runs the remote has newer are updated, and
notes are merged run by run: a run edited on both sides keeps both edits
(tags and metrics are unions; for other fields the later edit wins).

Examples:
  $ tmt ${name}
  $ tmt ${name} upstream --json`,
    async run({ flags, operands }, ctx) {
      const { fetchCommand } = await import('../actions/fetch.js');
      return fetchCommand({ cwd: ctx.cwd(), remote: operands, ...flags }, ctx);
    },
  });
}

export const fetch = fetchAs('fetch');
export const pull = fetchAs('pull');
