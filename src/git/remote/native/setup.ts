/**
 * `tmt remote setup`: the only place tmt writes the user's git config, and
 * only when asked. It adds fetch refspecs so a plain `git fetch REMOTE` (or an
 * editor's background fetch) also downloads the remote's runs and notes into
 * tmt's tracking refs; `tmt fetch` then merges them without downloading again.
 * Local runs still change only through tmt, so no run ever appears without its
 * note. No push refspec is added: that would change what a plain `git push` does.
 */
import { TmtError } from '../../../errors.js';
import { git } from '../../exec.js';
import { NOTES_REF, RUNS_PREFIX, trackingNotesRef, trackingRunsPrefix } from '../../layout.js';
import type { Repo } from '../../repo.js';
import type { ResolvedRemote } from '../which-remote.js';

export interface SetupResult {
  remote: string;
  added: string[];
  removed: string[];
  /** Already there (setup) or not there (undo). */
  unchanged: string[];
}

export function fetchRefspecs(remote: ResolvedRemote): string[] {
  return [`+${NOTES_REF}:${trackingNotesRef(remote.key)}`, `+${RUNS_PREFIX}*:${trackingRunsPrefix(remote.key)}*`];
}

export async function setupRemote(repo: Repo, remote: ResolvedRemote, undo: boolean): Promise<SetupResult> {
  if (remote.arg === remote.url && remote.key.startsWith('url-')) {
    throw new TmtError('BAD_ARGUMENT', `${remote.label} is not a configured remote`, { hint: `add it first: git remote add NAME ${remote.label}` });
  }
  const key = `remote.${remote.arg}.fetch`;
  const { stdout } = await git(['config', '--get-all', key], { cwd: repo.workTree, okCodes: [1] });
  const have = new Set(stdout.toString('utf8').split('\n').filter(Boolean));
  const result: SetupResult = { remote: remote.arg, added: [], removed: [], unchanged: [] };
  for (const spec of fetchRefspecs(remote)) {
    if (undo && have.has(spec)) {
      await git(['config', '--fixed-value', '--unset', key, spec], { cwd: repo.workTree });
      result.removed.push(spec);
    } else if (!undo && !have.has(spec)) {
      await git(['config', '--add', key, spec], { cwd: repo.workTree });
      result.added.push(spec);
    } else result.unchanged.push(spec);
  }
  return result;
}
