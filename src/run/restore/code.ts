/**
 * The code of a run, as checkout, branch and apply hand it back: the
 * snapshot tree and the base commit, checked before anything is written. The
 * note's `git.base` is authoritative for the base (in a repository without
 * commits the run commit's first parent is its outputs commit, not a base);
 * both it and `git.tree` must agree with the run commit itself, so a damaged
 * or doctored note cannot hand over some other tree.
 */
import { TmtError } from '../../errors.js';
import { readCommitLinks } from '../../git/objects.js';
import type { Repo } from '../../git/repo.js';
import { describeRun } from '../note/id.js';
import type { RunMeta } from '../note/metadata.js';
import { resolveRun } from '../read/find-run.js';
import { requireCode } from '../read/objects-here.js';
import { unreadableRunError, type RunRecord } from '../read/read.js';

export interface RunCode {
  run: RunRecord & { meta: RunMeta };
  /** The snapshot: the run's code. */
  tree: string;
  /** HEAD when the run was recorded; undefined for a run recorded before the first commit. */
  base?: string;
}

/** The run `selector` names, with its code, which must be whole in this repository (else MISSING_OBJECTS, suggesting tmt fetch). */
export async function runCode(repo: Repo, selector: string): Promise<RunCode> {
  const run = await resolveRun(repo, selector);
  if (!run.meta) throw unreadableRunError(run, selector);
  const meta = run.meta;
  await requireCode(repo, run);
  const { tree, parents } = await readCommitLinks(repo, run.commit);
  const base = meta.git.base;
  if (meta.git.tree !== tree || (base !== undefined && parents[0] !== base)) {
    throw new TmtError('NOT_FOUND', `run ${describeRun(run)}: its note names ${meta.git.tree !== tree ? `tree ${meta.git.tree.slice(0, 12)}` : `base ${base!.slice(0, 12)}`}, but its commit ${run.commit.slice(0, 12)} says otherwise`, {
      hint: `the note is damaged or not from tmt: see it with git notes --ref=tmt show refs/tmt/runs/${run.id}`,
    });
  }
  return { run: { ...run, meta }, tree, base };
}



/** Text from a note (anyone's, once fetched) for one line of a commit message: control characters spelled out, so `git log` shows it as text. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
