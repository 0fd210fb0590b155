/**
 * The library's entry to comparisons: what `tmt compare --json` and the HTML
 * page are built from, for notebooks and scripts.
 */
import type { Repo } from '../git/repo.js';
import { DEFAULT_LIMITS, type DiffLimits } from './code.js';
import { gatherComparison } from './gather.js';
import type { Comparison } from './model.js';
import { resolveRuns } from './compared-runs.js';

export interface CompareRunsOptions {
  repo: Repo;
  /** Run selectors (id prefix, name, NAME~N, last~N), in order; the first is the reference. */
  runs?: readonly string[];
  /** A filter expression whose runs are added, oldest first. */
  where?: string;
  /** Where pathspecs are relative to (default: the top of the working tree). */
  cwd?: string;
  paths?: readonly string[];
  limits?: DiffLimits;
  higherIsBetter?: readonly string[];
  lowerIsBetter?: readonly string[];
  /** Read series, artifacts and code diffs too (default: all of them). */
  parts?: { code: boolean; series: boolean; artifacts: boolean };
  nowMs?: number;
}

/** Compares runs: the data behind `tmt compare` and the HTML page. */
export async function compareRuns(opts: CompareRunsOptions): Promise<Comparison> {
  const nowMs = opts.nowMs ?? Date.now();
  const runs = await resolveRuns(opts.repo, { selectors: opts.runs ?? [], where: opts.where, nowMs });
  return gatherComparison(opts.repo, {
    kind: 'compare',
    runs,
    cwd: opts.cwd ?? opts.repo.workTree,
    paths: opts.paths ?? [],
    limits: opts.limits ?? DEFAULT_LIMITS,
    directions: { higher: opts.higherIsBetter ?? [], lower: opts.lowerIsBetter ?? [] },
    parts: opts.parts ?? { code: true, series: true, artifacts: true },
    generatedAt: new Date(nowMs).toISOString(),
  });
}
