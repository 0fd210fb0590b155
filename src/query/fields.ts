/**
 * The fields a query can name besides params.X and metrics.X: one row each,
 * read by the filter parser (which operators and literals fit), the evaluator
 * and sorts (the value), aggregates (only numbers aggregate), the catalog
 * lookup (which column holds it) and the help text. A new field is one row.
 */
import type { BuiltinColumn } from '../run/catalog/columns.js';

/** The flat view of a run that filters, sorts and groups read. */
export interface QueryRun {
  id: string;
  name?: string;
  /** running | finished | failed | killed | stale | unreadable */
  status: string;
  tags: string[];
  /** ISO 8601 */
  started?: string;
  /** ISO 8601 */
  ended?: string;
  durationMs?: number;
  host?: string;
  branch?: string;
  /** The git base commit sha. */
  commit?: string;
  /** The sweep trial the run is (`tmt sweep`). */
  sweep?: { name: string; index: number; repeat: number };
  /** May be nested objects: params.model.depth */
  params: Record<string, unknown>;
  metrics: Record<string, { first: number; last: number; min: number; max: number; count: number }>;
}

/** How a field's values compare; decides which operators and literals the parser accepts. */
export type FieldKind = 'text' | 'list' | 'time' | 'number' | 'param';

interface BuiltinField {
  kind: Exclude<FieldKind, 'param'>;
  /** The catalog column that holds it; none for id and status, which every row has. */
  column?: BuiltinColumn;
  /** Its value as a query sees it (times as ISO text, duration in seconds), undefined when the run lacks it. */
  value(run: QueryRun): unknown;
  /** Said after its name in help, e.g. the unit. */
  note?: string;
}

export const BUILTIN_FIELDS = {
  name: { kind: 'text', column: 'name', value: (r) => r.name },
  id: { kind: 'text', value: (r) => r.id },
  status: { kind: 'text', value: (r) => r.status },
  tags: { kind: 'list', column: 'tags', value: (r) => r.tags },
  started: { kind: 'time', column: 'started', value: (r) => r.started },
  ended: { kind: 'time', column: 'ended', value: (r) => r.ended },
  duration: { kind: 'number', column: 'durationMs', value: (r) => (r.durationMs === undefined ? undefined : r.durationMs / 1000), note: 's' },
  host: { kind: 'text', column: 'host', value: (r) => r.host },
  branch: { kind: 'text', column: 'branch', value: (r) => r.branch },
  commit: { kind: 'text', column: 'base', value: (r) => r.commit },
  'sweep.name': { kind: 'text', column: 'sweep', value: (r) => r.sweep?.name },
  'sweep.index': { kind: 'number', column: 'sweep', value: (r) => r.sweep?.index },
  'sweep.repeat': { kind: 'number', column: 'sweep', value: (r) => r.sweep?.repeat },
} as const satisfies Record<string, BuiltinField>;

export type Builtin = keyof typeof BUILTIN_FIELDS;
export const BUILTINS = Object.keys(BUILTIN_FIELDS) as Builtin[];

export function isBuiltin(name: string): name is Builtin {
  return Object.hasOwn(BUILTIN_FIELDS, name);
}

export function builtinField(name: Builtin): BuiltinField {
  return BUILTIN_FIELDS[name];
}

/** `name, id, ..., duration (s), ...`: the builtin fields as help lists them. */
export function builtinFieldsForHelp(): string {
  return BUILTINS.map((n) => {
    const note = (BUILTIN_FIELDS[n] as BuiltinField).note;
    return note ? `${n} (${note})` : n;
  }).join(', ');
}

/** The QueryRun property a catalog column fills. */
export function queryRunKey(column: string): keyof QueryRun {
  return column === 'base' ? 'commit' : (column as keyof QueryRun);
}
