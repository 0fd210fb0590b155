/**
 * Reading runs. Everything goes through the run catalog (catalog-store.ts),
 * which keeps parsed notes and per-field columns under `.git/tmt/catalog/`
 * so that a query over 100,000 runs reads one column, not 100,000 notes.
 */
import type { Repo } from '../git/repo.js';
import type { Catalog } from './catalog.js';
import { openCatalog } from './catalog-store.js';
import type { RunMeta } from './metadata.js';

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
