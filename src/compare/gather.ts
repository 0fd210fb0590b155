/**
 * Reads everything a comparison shows, for the runs already chosen: metric
 * directions, series, artifacts, failed runs' stderr tails and the code diffs
 * (the first run against each other run; a single run against its base
 * commit).
 */
import type { TreePair } from '../git/diff.js';
import type { Repo } from '../git/repo.js';
import { readArtifacts } from './artifacts.js';
import { buildCodeDiff, DEFAULT_LIMITS, type DiffLimits } from './code.js';
import { metricDirections, type DirectionFlags } from './direction.js';
import { explainingMissing, involvedIn, withCompleteOutputs } from './missing.js';
import { buildComparison } from './build.js';
import type { Comparison, DiffEntry } from './model.js';
import { baseLabel, labelled, runLabels } from './display-names.js';
import type { ResolvedRun } from './compared-runs.js';
import { readRunSeries } from './series.js';
import { readStderrTails } from './stderr-tail.js';

/** What to read for a comparison; every field but `runs` has a default, set here and nowhere else. */
export interface GatherOptions {
  /** Default 'compare'. */
  kind?: 'diff' | 'compare';
  runs: readonly ResolvedRun[];
  /** Where pathspecs are relative to (the user's working directory); default: the top of the working tree. */
  cwd?: string;
  paths?: readonly string[];
  /** Limits on the code diffs; those not given are DEFAULT_LIMITS. */
  limits?: Partial<DiffLimits>;
  /** Metrics the user says are better higher or lower; default none (git config, then the name, decide). */
  directions?: DirectionFlags;
  /** What to read beyond metadata (default: all of it); a terminal table needs none of it. */
  parts?: GatherParts;
  /** When the comparison is made (default: now). */
  nowMs?: number;
}

export interface GatherParts {
  code: boolean;
  series: boolean;
  artifacts: boolean;
  /** Failed runs' stderr tails; absent: read them only when artifacts are read. */
  logs?: boolean;
}

export const ALL_PARTS: GatherParts = { code: true, series: true, artifacts: true, logs: true };
export const NO_PARTS: GatherParts = { code: false, series: false, artifacts: false, logs: false };

export async function gatherComparison(repo: Repo, options: GatherOptions): Promise<Comparison> {
  const o = { kind: 'compare' as const, cwd: repo.workTree, paths: [], directions: { higher: [], lower: [] }, parts: ALL_PARTS, ...options, limits: { ...DEFAULT_LIMITS, ...options.limits } };
  const names = [...new Set(o.runs.flatMap((r) => Object.keys(r.meta.metrics)))];
  const logs = o.parts.logs ?? o.parts.artifacts;
  const outputs = o.parts.series || o.parts.artifacts || logs ? await withCompleteOutputs(repo, o.runs) : { runs: [], warnings: [] };
  const series = o.parts.series ? await readRunSeries(repo, outputs.runs) : undefined;
  for (const s of series?.values() ?? []) for (const name in s) names.push(name); // a run can have more names than a call takes arguments
  const [{ directions, warnings }, artifacts, stderrTails, diffs] = await Promise.all([
    metricDirections(repo, [...new Set(names)], o.directions),
    o.parts.artifacts ? readArtifacts(repo, outputs.runs) : undefined,
    logs ? readStderrTails(repo, outputs.runs) : undefined,
    o.parts.code ? codeDiffs(repo, o) : [],
  ]);
  const generatedAt = new Date(o.nowMs ?? Date.now()).toISOString();
  return buildComparison({ kind: o.kind, runs: o.runs, directions, series, artifacts, stderrTails, diffs, generatedAt, warnings: [...outputs.warnings, ...warnings] });
}

/** One diff after another: each can be large, and git is faster than two of them at once on two cores. */
async function codeDiffs(repo: Repo, o: Required<Omit<GatherOptions, 'nowMs'>> & { limits: DiffLimits }): Promise<DiffEntry[]> {
  const pairs = codePairs(o.runs);
  const labels = runLabels(o.runs.map(labelled));
  const out: DiffEntry[] = [];
  for (const p of pairs) {
    const from = p.fromRun === null ? undefined : o.runs[p.fromRun]!;
    const to = o.runs[p.toRun]!;
    const pair: TreePair = { cwd: o.cwd, from: from ? from.meta.git.tree : to.meta.git.base, to: to.meta.git.tree, paths: o.paths };
    const code = await explainingMissing(repo, involvedIn(from, to), () => buildCodeDiff(repo, pair, o.limits));
    out.push({ ...p, fromLabel: p.fromRun === null ? baseLabel(to.meta.git.base) : labels[p.fromRun]!, toLabel: labels[p.toRun]!, code });
  }
  return out;
}

/** Which runs are diffed: a single run against its base, otherwise the first run against each other. */
function codePairs(runs: readonly ResolvedRun[]): Array<{ fromRun: number | null; toRun: number }> {
  if (runs.length === 1) return [{ fromRun: null, toRun: 0 }];
  return runs.slice(1).map((_, i) => ({ fromRun: 0, toRun: i + 1 }));
}
