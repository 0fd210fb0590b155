/**
 * Every point runs logged, in long form (one row per run, metric and step),
 * read from each run's metrics.jsonl through one git call. The outputs commit
 * keeps the points as the command logged them, one per line, with the step
 * tmt gave a point logged without one (the metric's previous step + 1, the
 * first 0: the metrics protocol's rule), so these are the points `tmt show`,
 * `best` and the charts see. Values are the exact doubles: NaN and ±Infinity
 * included.
 */
import { readBlobs } from '../../git/cat-file.js';
import type { Repo } from '../../git/repo.js';
import { requireOutputs } from '../read/objects-here.js';
import type { RunRecord } from '../read/read.js';
import { parseMetrics } from '../record/metrics.js';

export interface MetricPointRow {
  /** The run's id. */
  run: string;
  /** The metric's name. */
  name: string;
  step: number;
  value: number;
}

/**
 * The points of `runs`, run by run in the order given, each run's metrics in
 * the order of `metrics` (default: the order they were first logged), each
 * metric's points as logged. A run whose outputs are not all here is
 * MISSING_OBJECTS, naming it; a run without outputs has no points.
 */
export async function readPoints(repo: Repo, runs: ReadonlyArray<Pick<RunRecord, 'id' | 'meta'>>, metrics?: readonly string[]): Promise<MetricPointRow[]> {
  const withOutputs = runs.filter((r) => r.meta?.outputs);
  const specs = withOutputs.map((r) => `${r.meta!.outputs}:metrics.jsonl`);
  const texts = await readBlobs(repo, specs);
  const rows: MetricPointRow[] = [];
  for (const [i, run] of withOutputs.entries()) {
    const text = texts.get(specs[i]!);
    // Not read: either the run has no metrics.jsonl, or objects are missing; the second is an error that names the run.
    if (text === undefined) await requireOutputs(repo, run);
    const series = parseMetrics(text ?? '').series;
    for (const name of metrics ?? Object.keys(series)) {
      for (const p of Object.hasOwn(series, name) ? series[name]! : []) rows.push({ run: run.id, name, step: p.step, value: p.value });
    }
  }
  return rows;
}
