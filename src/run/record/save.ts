import { TmtError } from '../../errors.js';
import { createRun, type CreateRunOptions, type CreatedRun } from './create.js';
import type { MetricSummary } from '../note/metadata.js';

export interface SaveOptions extends Omit<CreateRunOptions, 'status' | 'metrics'> {
  /** Final metric values, one per name. */
  metrics?: Record<string, unknown>;
}

/** Records the working tree as a finished run, for results computed outside tmt. */
export async function saveRun(opts: SaveOptions): Promise<CreatedRun> {
  const metrics: Record<string, MetricSummary> = Object.create(null) as Record<string, MetricSummary>; // a metric may be called __proto__
  for (const [name, value] of Object.entries(opts.metrics ?? {})) {
    if (typeof value !== 'number') {
      throw new TmtError('BAD_ARGUMENT', `metric ${name} must be a number, got "${String(value)}"`, {
        hint: 'metrics are numbers (nan and inf too); put text in a param (-p) instead',
      });
    }
    // As summarize() has it: min and max are of the finite values, NaN when there is none.
    const finite = Number.isFinite(value) ? value : NaN;
    metrics[name] = { first: value, last: value, min: finite, max: finite, count: 1 };
  }
  return createRun({ ...opts, status: 'finished', metrics });
}
