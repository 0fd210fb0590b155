/**
 * Runs grouped by the values of chosen params: one group per distinct
 * combination among the runs, in value order. By default a group counts its
 * finished runs only (a failed, killed or still running run's last value is
 * not a result); the others are kept aside so the page can say how many.
 */
import type { UiRow } from '../api.js';
import { compareValues, paramValue, type ParamValue } from './params.js';

export interface Group {
  /** The chosen params' values, in the order chosen. */
  values: ParamValue[];
  /** The runs the group's numbers are over. */
  runs: UiRow[];
  /** Runs of the combination that are not counted, by status. */
  leftOut: Map<string, number>;
}

/** `all`: count every run whatever its status. */
export function groupRuns(rows: readonly UiRow[], keys: readonly string[], all = false): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const values = keys.map((k) => paramValue(r, k));
    const id = JSON.stringify(values);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { values, runs: [], leftOut: new Map() }));
    if (all || r.status === 'finished') g.runs.push(r);
    else g.leftOut.set(r.status, (g.leftOut.get(r.status) ?? 0) + 1);
  }
  return [...groups.values()].sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.values[i]!, b.values[i]!);
      if (c) return c;
    }
    return 0;
  });
}

/** A run's last value of a metric, if it is a number a mean can take. */
export function lastValue(r: UiRow, metric: string): number | undefined {
  const v = Object.hasOwn(r.metrics, metric) ? r.metrics[metric] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** "1 failed, 2 running". */
export function describeLeftOut(leftOut: ReadonlyMap<string, number>): string {
  return [...leftOut].map(([status, n]) => `${n} ${status}`).join(', ');
}

/** The group-by text as param names: commas between them (a key may hold spaces), each once. */
export function parseKeys(text: string): string[] {
  return [...new Set(text.split(',').map((k) => k.trim()).filter(Boolean))];
}
