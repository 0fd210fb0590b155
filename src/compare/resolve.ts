/**
 * Which runs a diff or comparison is about. The only place here that reads
 * runs, selects them and filters them, through the run catalog: only the
 * named runs' notes are parsed, whatever the number of runs.
 */
import { TmtError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { selectRuns } from '../query/list.js';
import type { RunMeta } from '../run/note/metadata.js';
import { unreadableRunError, withCatalog, type RunRecord } from '../run/read/read.js';
import { selectRow } from '../run/read/select.js';
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
    const out: ResolvedRun[] = [];
    const seen = new Map<string, string>();
    for (const selector of opts.selectors) {
      const run = catalog.record(selectRow(catalog, selector));
      const earlier = seen.get(run.id);
      if (earlier !== undefined) {
        throw new TmtError('BAD_ARGUMENT', `"${earlier}" and "${selector}" name the same run, ${describe(run)}`, {
          hint: `name different runs (e.g. NAME~1 and NAME)${opts.oneRunDiffs ? ', or give one run to diff it against its base commit' : ''}`,
          data: { run: run.id },
        });
      }
      seen.set(run.id, selector);
      out.push(readable(run, selector));
    }
    if (opts.where !== undefined) {
      const { rows } = selectRuns(catalog, { where: opts.where, limit: opts.limit, nowMs: opts.nowMs });
      for (const row of [...rows].reverse()) {
        const run = catalog.record(row);
        if (!run.meta || seen.has(run.id)) continue;
        seen.set(run.id, '--where');
        out.push(readable(run, run.id));
      }
      if (out.length === 0) throw new TmtError('NOT_FOUND', `no run matches --where ${opts.where}`, { hint: 'check the filter with tmt list --where ...' });
    }
    return out;
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

/** `01abcdefghjk (name)`: how errors name a run. */
export function describe(run: { id: string; meta?: RunMeta }): string {
  return `${run.id.slice(0, 12)}${run.meta?.name ? ` (${run.meta.name})` : ''}`;
}
