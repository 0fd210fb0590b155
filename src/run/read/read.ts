/**
 * Reading runs. Everything goes through the run catalog (../catalog/store.ts),
 * which keeps parsed notes and per-field columns under `.git/tmt/catalog/`
 * so that a query over 100,000 runs reads one column, not 100,000 notes.
 */
import type { Repo } from '../../git/repo.js';
import { NO_NOTE, type Catalog } from '../catalog/catalog.js';
import { TmtError } from '../../errors.js';
import { openCatalog } from '../catalog/store.js';
import type { RunMeta } from '../note/metadata.js';

export interface RunRecord {
  id: string;
  commit: string;
  /** Parsed metadata; undefined when the note is missing or unreadable (see `problem`). */
  meta: RunMeta | undefined;
  /** The note's blob id, for compare-and-swap on later edits (null: no note). */
  noteBlob: string | null;
  problem?: string;
}

/** Every run in the repository with its metadata, oldest first (run ids sort by time). */
export async function readRuns(repo: Repo): Promise<RunRecord[]> {
  return withCatalog(repo, (c) => c.ids.map((_, row) => c.record(row)));
}

/** Opens the catalog for `use` and closes it afterwards. */
export async function withCatalog<T>(repo: Repo, use: (catalog: Catalog) => T | Promise<T>): Promise<T> {
  const catalog = await openCatalog(repo);
  try {
    return await use(catalog);
  } finally {
    catalog.close();
  }
}

/** The one error for a run whose note is missing or cannot be read, with the way out that fits. */
export function unreadableRunError(run: Pick<RunRecord, 'id' | 'problem'>, selector?: string): TmtError {
  const problem = run.problem ?? NO_NOTE;
  const ref = `refs/tmt/runs/${run.id}`;
  let hint: string;
  if (/newer than this tmt/.test(problem)) hint = 'a newer tmt wrote it: upgrade tmt to read it';
  else if (problem === NO_NOTE) hint = `delete it with tmt rm ${run.id}, or put its note back from the notes history (git log -p refs/notes/tmt)`;
  else hint = `see it with git notes --ref=tmt show ${ref}; mend it with git notes --ref=tmt edit ${ref}, or delete the run with tmt rm ${run.id}`;
  return new TmtError('NOT_FOUND', `run ${run.id}${selector !== undefined ? ` ("${selector}")` : ''} has no readable metadata: ${problem}`, { hint });
}
