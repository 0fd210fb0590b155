import { readBlobs } from '../../git/cat-file.js';
import type { Repo } from '../../git/repo.js';
import { parseMetrics, type MetricPoint } from '../record/metrics.js';
import type { RunRecord } from './read.js';

/** One metric's points for each run, read from the runs' outputs in one git call. */
export async function readSeries(repo: Repo, runs: readonly RunRecord[], metric: string): Promise<Map<string, MetricPoint[]>> {
  const withOutputs = runs.filter((r) => r.meta?.outputs);
  const specs = withOutputs.map((r) => `${r.meta!.outputs}:metrics.jsonl`);
  const texts = await readBlobs(repo, specs);
  const out = new Map<string, MetricPoint[]>();
  withOutputs.forEach((r, i) => {
    const text = texts.get(specs[i]!);
    if (text !== undefined) out.set(r.id, parseMetrics(text).series[metric] ?? []);
  });
  return out;
}
