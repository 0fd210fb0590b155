/**
 * Which runs a diff or comparison is about, picked (query/pick.ts) through
 * the run catalog: only the named runs' notes are parsed, whatever the
 * number of runs.
 */
import type { Repo } from '../git/repo.js';
import { pickRuns } from '../query/pick.js';
import type { RunMeta } from '../run/note/metadata.js';
import { unreadableRunError, withCatalog, type RunRecord } from '../run/read/read.js';
import { completeGit } from '../run/read/find-run.js';

/** A run with readable metadata. */
export interface ResolvedRun {
  id: string;
  commit: string;
  meta: RunMeta;
}

export interface ResolveOptions {
  /** Run selectors, in the order given. Two that name the same run are an error. */
  selectors: readonly string[];
  /** A filter expression; its runs follow the selected ones, oldest first, without repeats. */
  where?: string;
  /** At most this many runs from `where`. */
  limit?: number;
  nowMs: number;
  /** For `tmt diff`, where one run alone means: against its base commit. */
  oneRunDiffs?: boolean;
}

export async function resolveRuns(repo: Repo, opts: ResolveOptions): Promise<ResolvedRun[]> {
  const runs = await withCatalog(repo, (catalog) => {
    const { runs: picked } = pickRuns(catalog, {
      ...opts,
      repeats: 'error',
      repeatHint: opts.oneRunDiffs ? 'or give one run to diff it against its base commit' : undefined,
    });
    // A run --where brings in without a readable note has nothing to compare; one named outright is an error.
    return picked.flatMap(({ record, selector }) => (record.meta || selector !== undefined ? [readable(record, selector ?? record.id)] : []));
  });
  for (const run of runs) await completeGit(repo, run);
  return runs;
}

function readable(run: RunRecord, selector: string): ResolvedRun {
  if (!run.meta) {
    throw unreadableRunError(run, selector);
  }
  return { id: run.id, commit: run.commit, meta: run.meta };
}
