/**
 * The flat view of a run that filters, sorts and groups see (QueryRun), built
 * either from a whole record or from the catalog's columns. A query names the
 * fields it reads; only those columns are loaded, so filtering 100,000 runs on
 * one metric never parses their notes.
 */
import { METRIC_WIDTH, metricColumn, paramColumn } from '../run/catalog/columns.js';
import type { RunMeta } from '../run/note/metadata.js';
import type { RunRecord } from '../run/read/read.js';
import type { RunSource } from '../run/catalog/run-source.js';
import { displayStatus, displayStatusOf } from '../run/note/status.js';
import type { Expr, FieldRef, QueryRun } from './expr/ast.js';
import { builtinField, queryRunKey } from './fields.js';

/** The flat view of a whole record. */
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
    sweep: m.sweep,
    params: m.params,
    metrics: m.metrics,
  };
}

/** The fields an expression reads. */
export function fieldsOf(expr: Expr | undefined): FieldRef[] {
  if (!expr) return [];
  switch (expr.type) {
    case 'and':
    case 'or':
      return [...fieldsOf(expr.left), ...fieldsOf(expr.right)];
    case 'not':
      return fieldsOf(expr.expr);
    default:
      return [expr.field];
  }
}

/** The columns that hold these fields (a param path may be stored flat, `{"a.b": 1}`, or nested). */
export function columnsFor(refs: readonly FieldRef[]): Set<string> {
  const out = new Set<string>();
  for (const ref of refs) {
    if (ref.kind === 'metric') out.add(metricColumn(ref.metric));
    else if (ref.kind === 'param') ref.path.forEach((_, k) => out.add(paramColumn(ref.path.slice(0, k + 1).join('.'))));
    else {
      const column = builtinField(ref.name).column;
      if (column) out.add(column);
    }
  }
  return out;
}

const NONE: string[] = Object.freeze([]) as unknown as string[];
// No prototypes: a param or metric may be called constructor or __proto__.
const NO_PARAMS: QueryRun['params'] = Object.freeze(Object.create(null) as QueryRun['params']);
const NO_METRICS: QueryRun['metrics'] = Object.freeze(Object.create(null) as QueryRun['metrics']);

/** A QueryRun per row holding only `columns` (plus id and status), index-aligned with the source. */
export function partialRuns(source: RunSource, columns: ReadonlySet<string>): QueryRun[] {
  const status = source.column('status') as ReadonlyArray<RunMeta['status'] | null>;
  const running = status.includes('running');
  const host = running ? (source.column('host') as ReadonlyArray<string | null>) : undefined;
  const pid = running ? (source.column('pid') as ReadonlyArray<number | null>) : undefined;
  // Shared empty fields until a column fills them: 100,000 runs need not mean 400,000 objects.
  const runs: QueryRun[] = source.ids.map((id, row) => {
    const s = status[row];
    return { id, status: s === null || s === undefined ? 'unreadable' : displayStatusOf(s, host?.[row] ?? undefined, pid?.[row] ?? undefined), tags: NONE, params: NO_PARAMS, metrics: NO_METRICS };
  });
  for (const name of columns) {
    if (name.startsWith('m:')) {
      const metric = name.slice(2);
      const cells = source.metricColumn(metric);
      runs.forEach((run, row) => {
        const at = row * METRIC_WIDTH;
        if (Number.isNaN(cells[at + 4]!)) return;
        if (run.metrics === NO_METRICS) run.metrics = Object.create(null) as QueryRun['metrics'];
        run.metrics[metric] = { first: cells[at]!, last: cells[at + 1]!, min: cells[at + 2]!, max: cells[at + 3]!, count: cells[at + 4]! };
      });
      continue;
    }
    const values = source.column(name);
    const set = setter(name);
    values.forEach((v, row) => {
      if (v !== null && v !== undefined) set(runs[row]!, v);
    });
  }
  return runs;
}

function setter(column: string): (run: QueryRun, value: unknown) => void {
  if (column.startsWith('p:')) {
    const key = column.slice(2);
    return (run, v) => {
      if (run.params === NO_PARAMS) run.params = Object.create(null) as QueryRun['params'];
      run.params[key] = v;
    };
  }
  const field = queryRunKey(column);
  return (run, v) => ((run as unknown as Record<string, unknown>)[field] = v);
}
