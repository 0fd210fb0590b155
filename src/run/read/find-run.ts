import { readCommitLinks } from '../../git/objects.js';
import type { Repo } from '../../git/repo.js';
import { withCatalog, type RunRecord } from './read.js';
import { selectRow } from './select.js';

/** The run a selector names, with its metadata; reads one note, not every run's. */
export async function resolveRun(repo: Repo, selector: string): Promise<RunRecord> {
  const run = await withCatalog(repo, (catalog) => catalog.record(selectRow(catalog, selector)));
  await completeGit(repo, run);
  return run;
}

/**
 * A note without `git:` (hand-written, or from another writer) still has a
 * run commit that says it all: its tree is the snapshot, and its first parent
 * the base, unless that is the outputs commit (a repository without commits).
 * Filled in so that show, diff and later edits work, and the note is whole
 * again once tmt writes it.
 */
export async function completeGit(repo: Repo, run: Pick<RunRecord, 'commit' | 'meta'>): Promise<void> {
  const meta = run.meta;
  if (!meta || meta.git.tree) return;
  const { tree, parents } = await readCommitLinks(repo, run.commit);
  const base = parents[0] !== undefined && parents[0] !== meta.outputs ? parents[0] : undefined;
  meta.git = { ...meta.git, tree, ...(base ? { base } : {}) };
}
