/**
 * The library's entry to comparisons: what `tmt compare --json` and the HTML
 * page are built from, for notebooks and scripts.
 */
import type { Repo } from '../git/repo.js';
import type { DiffLimits } from './code.js';
import { gatherComparison, type GatherParts } from './gather.js';
import type { Comparison } from './model.js';
import { resolveRuns } from './compared-runs.js';

export interface CompareRunsOptions {
  repo: Repo;
  /** Run selectors (id prefix, name, NAME~N, last~N), in order; the first is the reference. */
  runs?: readonly string[];
  /** A filter expression whose runs are added, oldest first. */
  where?: string;
  /** At most this many runs from `where`, the newest. */
  limit?: number;
  /** Where pathspecs are relative to (default: the top of the working tree). */
  cwd?: string;
  paths?: readonly string[];
  /** Limits on the code diffs (default: DEFAULT_LIMITS). */
  limits?: Partial<DiffLimits>;
  higherIsBetter?: readonly string[];
  lowerIsBetter?: readonly string[];
  /** Read series, artifacts and code diffs too (default: all of them). */
  parts?: GatherParts;
  nowMs?: number;
}

/** Compares runs: the data behind `tmt compare` and the HTML page. */
export async function compareRuns(opts: CompareRunsOptions): Promise<Comparison> {
  const { repo, runs: selectors = [], where, limit, higherIsBetter = [], lowerIsBetter = [], nowMs = Date.now(), ...read } = opts;
  const runs = await resolveRuns(repo, { selectors, where, limit, nowMs });
  return gatherComparison(repo, { ...read, runs, directions: { higher: higherIsBetter, lower: lowerIsBetter }, nowMs });
}
