/**
 * Turning a failed git diff into the error a user can act on: when a run's
 * snapshot (or base commit) is not fully in this repository, usually after a
 * partial fetch, say which run and how to get it.
 */
import { TmtError } from '../errors.js';
import { GitCommandError } from '../git/exec.js';
import { firstMissingObject } from '../git/missing.js';
import type { Repo } from '../git/repo.js';
import { describeRun } from '../run/note/id.js';
import type { ResolvedRun } from './compared-runs.js';

/** A tree (or commit) a diff reads, and the run it belongs to. */
export interface Involved {
  run: ResolvedRun;
  rev: string;
  what: 'snapshot' | 'base commit';
}

/** Runs `fn`; if git fails because objects are missing, throws MISSING_OBJECTS naming the run. */
export async function explainingMissing<T>(repo: Repo, involved: readonly Involved[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    throw (await missingError(repo, involved)) ?? err;
  }
}

/** The MISSING_OBJECTS error for the first involved run with a missing object, if any. */
async function missingError(repo: Repo, involved: readonly Involved[]): Promise<TmtError | undefined> {
  for (const item of involved) {
    const missing = await firstMissingObject(repo, item.what === 'base commit' ? `${item.rev}^{tree}` : item.rev);
    if (missing === undefined) continue;
    const object = missing.endsWith('^{tree}') ? item.rev : missing;
    return new TmtError('MISSING_OBJECTS', `run ${describeRun(item.run)}: its ${item.what} is not complete in this repository (object ${object.slice(0, 12)} is missing)`, {
      hint: 'fetch the run in full with `tmt pull` (a partial fetch or clone leaves objects out)',
      data: { run: item.run.id, object },
    });
  }
  return undefined;
}

/** The objects a diff reads, for naming the run whose objects are missing. */
export function involvedIn(from: ResolvedRun | undefined, to: ResolvedRun): Involved[] {
  const sides: Involved[] = from ? [{ run: from, rev: from.meta.git.tree, what: 'snapshot' }] : [];
  if (!from && to.meta.git.base) sides.push({ run: to, rev: to.meta.git.base, what: 'base commit' });
  return [...sides, { run: to, rev: to.meta.git.tree, what: 'snapshot' }];
}

/**
 * The runs whose outputs (metrics, logs, artifacts) are all here, and a
 * warning for each run whose outputs are not: a page can still show those
 * runs' metadata and code.
 */
export async function withCompleteOutputs(repo: Repo, runs: readonly ResolvedRun[]): Promise<{ runs: ResolvedRun[]; warnings: string[] }> {
  const checked = await Promise.all(runs.map(async (r) => ({ r, missing: r.meta.outputs ? await firstMissingObject(repo, `${r.meta.outputs}^{tree}`) : undefined })));
  return {
    runs: checked.filter((c) => c.missing === undefined).map((c) => c.r),
    warnings: checked
      .filter((c) => c.missing !== undefined)
      .map((c) => `run ${describeRun(c.r)}: its outputs (metrics, artifacts) are not complete in this repository, so its curves and artifacts are left out; fetch them with tmt pull`),
  };
}
