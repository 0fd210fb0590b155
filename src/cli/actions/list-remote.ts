import { TmtError } from '../../errors.js';
import { shortIds } from '../../query/list.js';
import { listRemote } from '../../sync/list-remote.js';
import { openSync } from '../../sync/open-sides.js';
import { displayStatus } from '../../run/note/status.js';
import { TABULAR_FORMATS } from '../render/formats.js';
import { formatTime } from '../render/format.js';
import type { ListFlags } from '../commands/list.js';
import type { Context } from '../context.js';

export interface ListRemoteOptions {
  cwd: string;
  /** A remote name, URL or path; undefined: the upstream remote, else origin. */
  remote?: string;
  format: ListFlags['format'];
  /** List filters given along (not supported with --remote). */
  ignored: string[];
}

/** `tmt list --remote REMOTE`: the remote's runs that are not here yet. */
export async function listRemoteCommand(opts: ListRemoteOptions, { out, term }: Context): Promise<number> {
  if (opts.ignored.length) {
    throw new TmtError('BAD_ARGUMENT', `${opts.ignored.join(', ')} cannot be used with --remote`, { hint: 'fetch first (tmt fetch), then filter with tmt list' });
  }
  const result = await listRemote(await openSync({ cwd: opts.cwd, remote: opts.remote }));
  if (opts.format === 'json') {
    out.json({ schemaVersion: 1, remote: result.remote, total: result.total, runs: result.runs });
    return 0;
  }
  const human = opts.format === 'table' || opts.format === 'md';
  // Prefixes long enough to tell every listed run apart, as tmt list shows them.
  const short = shortIds(result.runs.map((r) => r.id));
  const rows = result.runs.map((r) => [
    human ? short.get(r.id)! : r.id,
    r.meta?.name ?? null,
    r.meta ? displayStatus(r.meta) : null,
    human ? formatTime(r.meta?.started) : (r.meta?.started ?? null),
    r.state,
  ]);
  if (opts.format === 'table' && rows.length === 0) {
    out.out(`nothing new on ${result.remote} (${result.total} run${result.total === 1 ? '' : 's'} there, all here)\n`);
    return 0;
  }
  const columns = ['id', 'name', 'status', 'started', 'remote'].map((c) => (opts.format === 'table' ? c.toUpperCase() : c));
  out.out(TABULAR_FORMATS[opts.format]({ columns, rows }, { width: term.width, color: out.color }));
  return 0;
}
