import { describeFetch, fetchRemote } from '../../sync/fetch.js';
import { openSync } from '../../sync/open-sides.js';
import { progressFor } from '../progress.js';
import type { FetchFlags } from '../commands/fetch.js';
import type { Context } from '../context.js';

export type FetchCommandOptions = FetchFlags & { cwd: string; remote?: string };

export async function fetchCommand(opts: FetchCommandOptions, { out, term }: Context): Promise<number> {
  const ctx = await openSync({ cwd: opts.cwd, remote: opts.remote, progress: progressFor(out, opts.quiet || opts.json, term.stderr) });
  const { state: _state, ...summary } = await fetchRemote(ctx);
  if (opts.json) out.json({ schemaVersion: 1, ...summary });
  else if (!opts.quiet) out.err(`${describeFetch(summary)}\n`);
  return 0;
}
