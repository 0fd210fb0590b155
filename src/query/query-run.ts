import type { RunRecord } from '../run/read.js';
import { displayStatus } from '../run/status.js';
import type { QueryRun } from './expr/index.js';

/** The flat view of a run that filters, sorts and groups see. */
export function toQueryRun(r: RunRecord): QueryRun {
  const m = r.meta;
  if (!m) return { id: r.id, status: 'unreadable', tags: [], params: {}, metrics: {} };
  return {
    id: r.id,
    name: m.name,
    status: displayStatus(m),
    tags: m.tags,
    started: m.started || undefined,
    ended: m.ended,
    durationMs: m.durationMs,
    host: m.host?.hostname,
    branch: m.git.branch,
    commit: m.git.base,
    params: m.params,
    metrics: m.metrics,
  };
}
