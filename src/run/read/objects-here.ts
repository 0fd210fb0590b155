/**
 * Before tmt hands a run's code or outputs to the user (get, checkout, branch,
 * apply, rerun): are they whole in this repository? A run fetched partially
 * (`--filter`), or whose objects were lost, is named with what is missing and
 * how to get it, instead of failing halfway with git's words.
 */
import { TmtError } from '../../errors.js';
import { describeRun } from '../note/id.js';
import { firstMissingObject } from '../../git/missing.js';
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from './read.js';

/** Throws MISSING_OBJECTS unless the run's snapshot tree is complete here. */
export async function requireCode(repo: Repo, run: Pick<RunRecord, 'id' | 'meta'>): Promise<void> {
  await require(repo, run, run.meta?.git.tree, 'code (its snapshot)');
}

/** Throws MISSING_OBJECTS unless the run's outputs (logs, metrics, artifacts) are complete here. */
export async function requireOutputs(repo: Repo, run: Pick<RunRecord, 'id' | 'meta'>): Promise<void> {
  await require(repo, run, run.meta?.outputs, 'outputs (logs, metrics, artifacts)');
}

async function require(repo: Repo, run: Pick<RunRecord, 'id' | 'meta'>, rev: string | undefined, what: string): Promise<void> {
  if (!rev) return;
  const missing = await firstMissingObject(repo, rev);
  if (missing === undefined) return;
  throw new TmtError('MISSING_OBJECTS', `run ${describeRun(run)}: its ${what} ${missing === rev ? 'is not' : 'is not complete'} in this repository (object ${missing.slice(0, 12)} is missing)`, {
    hint: 'get the run in full with tmt fetch (a partial fetch or clone leaves objects out)',
    data: { run: run.id, object: missing },
  });
}
