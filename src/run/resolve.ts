import type { Repo } from '../git/repo.js';
import { withCatalog, type RunRecord } from './read.js';
import { selectRow } from './select.js';

/** The run a selector names, with its metadata; reads one note, not every run's. */
export function resolveRun(repo: Repo, selector: string): Promise<RunRecord> {
  return withCatalog(repo, (catalog) => catalog.record(selectRow(catalog, selector)));
}
