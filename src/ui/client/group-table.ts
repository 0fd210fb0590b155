/**
 * The grouped summary (`#groups`): one row per combination of the group-by
 * params, its run count, and each metric's mean ± std of last values. The
 * raw numbers ride along in data-mean, data-std and data-n, so a script (or
 * a test) reads them without parsing what the cell rounds for reading.
 */
import { h } from '../../html/client/dom.js';
import { fmtNum, plural } from '../../html/client/format.js';
import type { UiRow } from '../api.js';
import { describeLeftOut, lastValue, type Group } from './groups.js';
import { metricNames, showValue } from './params.js';
import { spread } from './stats.js';

/** Rows the table draws: grouping 100,000 runs by their seed would otherwise be 100,000 rows. */
const MAX_ROWS = 500;

export function groupTable(rows: readonly UiRow[], keys: readonly string[], groups: readonly Group[], all: boolean): HTMLElement {
  const metrics = metricNames(rows);
  const known = new Set(rows.flatMap((r) => Object.keys(r.params)));
  const unknown = keys.filter((k) => !known.has(k));
  let leftOut = 0;
  for (const g of groups) for (const n of g.leftOut.values()) leftOut += n;
  const head = h('tr', null, ...keys.map((k) => h('th', { scope: 'col', 'data-param': k }, k)), h('th', { scope: 'col' }, 'runs'), ...metrics.map((m) => h('th', { scope: 'col', 'data-metric': m }, `${m} (mean ± std)`)), h('th', { scope: 'col' }, 'left out'));
  const body = groups.slice(0, MAX_ROWS).map((g) =>
    h('tr', { 'data-group': JSON.stringify(g.values) },
      ...g.values.map((v) => h('td', { class: v === null ? 'missing' : undefined }, showValue(v))),
      h('td', { class: 'num', 'data-count': g.runs.length }, g.runs.length),
      ...metrics.map((m) => metricCell(g, m)),
      h('td', { class: 'dim' }, describeLeftOut(g.leftOut)),
    ),
  );
  return h('div', { class: 'scroll' },
    unknown.length ? h('p', { class: 'where-error' }, `no shown run has ${unknown.join(', ')}; params: ${[...known].sort().join(', ')}`) : null,
    h('table', { class: 'grid groups-table' }, h('thead', null, head), h('tbody', null, ...body)),
    groups.length > MAX_ROWS ? h('p', { class: 'dim small' }, `The first ${MAX_ROWS} of ${groups.length} groups shown.`) : null,
    h('p', { class: 'dim small' }, all ? 'Every run counted, whatever its status.' : `Finished runs only${leftOut ? `: ${plural(leftOut, 'run')} that did not finish left out` : ''}. Std is the sample standard deviation (n - 1).`),
  );
}

function metricCell(g: Group, metric: string): HTMLTableCellElement {
  const values = g.runs.flatMap((r) => lastValue(r, metric) ?? []);
  const sp = spread(values);
  if (!sp) return h('td', { class: 'missing', 'data-n': 0 }, '');
  // A run without the metric (or with it NaN) is in the count but not in the mean: say so.
  const partial = sp.n < g.runs.length ? ` (n=${sp.n})` : '';
  return h('td', { class: 'num', 'data-mean': String(sp.mean), 'data-std': sp.std === undefined ? '' : String(sp.std), 'data-n': sp.n }, `${fmtNum(sp.mean)}${sp.std === undefined ? '' : ` ± ${fmtNum(sp.std)}`}${partial}`);
}
