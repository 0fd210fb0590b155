/**
 * The sweep views (`#sweep-views`): for the runs of one sweep (when every
 * shown run belongs to the same sweep) or for the selection (two or more
 * runs), a metric to look at, parallel coordinates from the params that vary
 * to it, and a scatter of it against each of those params.
 */
import { h } from '../../html/client/dom.js';
import { plural } from '../../html/client/format.js';
import type { UiRow } from '../api.js';
import { lastValue } from './groups.js';
import { parallelCoords } from './parallel-coords.js';
import { metricNames, varyingParams } from './params.js';
import { scatter } from './scatter.js';

/** More lines than this are a smear, and cost a frame each time the table changes. */
const MAX_RUNS = 2000;

export interface SweepViews {
  element: HTMLElement;
  update(shown: readonly UiRow[], selected: readonly UiRow[]): void;
}

export function sweepViews(label: (r: UiRow) => string): SweepViews {
  const element = h('section', { class: 'block', id: 'sweep-views' });
  const chooser = h('select', { id: 'sweep-metric', title: 'the metric the views show: each run’s last value' });
  let metric = '';
  let drawn = '';
  let current: { runs: readonly UiRow[]; what: string } | undefined;

  function draw(): void {
    if (!current) {
      drawn = '';
      return void element.replaceChildren(h('h2', null, 'Sweep'), h('p', { class: 'dim' }, 'Filter the table to one sweep (sweep.name = NAME), or select two or more runs, to see how their params lead to a metric.'));
    }
    const { runs, what } = current;
    const metrics = metricNames(runs, 100);
    if (!metrics.includes(metric)) metric = metrics[0] ?? '';
    // Redraw only when what is drawn would change: refresh runs on every keystroke of the search box.
    const key = JSON.stringify([what, metric, metrics, runs.map((r) => [r.id, r.status, lastValue(r, metric) ?? null])]);
    if (key === drawn) return;
    drawn = key;
    chooser.replaceChildren(...metrics.map((m) => h('option', { value: m }, m)));
    chooser.value = metric;
    const head = [h('h2', null, 'Sweep'), h('div', { class: 'controls' }, h('span', null, what), h('label', { class: 'control' }, 'metric ', chooser))];
    if (!metric) return void element.replaceChildren(...head, h('p', { class: 'dim' }, 'These runs have logged no metric.'));
    const params = varyingParams(runs);
    const drawable = runs.filter((r) => lastValue(r, metric) !== undefined);
    const notes = [
      drawable.length < runs.length ? `${plural(runs.length - drawable.length, 'run')} without a value of ${metric} (not finished, or NaN) not drawn.` : '',
      drawable.length > MAX_RUNS ? `Only the first ${MAX_RUNS} of ${drawable.length} runs drawn: filter the table for fewer.` : '',
    ].filter(Boolean);
    const shown = drawable.slice(0, MAX_RUNS);
    if (params.length === 0) return void element.replaceChildren(...head, h('p', { class: 'dim' }, 'No param varies among these runs.'));
    const width = Math.max(480, element.clientWidth - 20);
    element.replaceChildren(
      ...head,
      ...notes.map((n) => h('p', { class: 'dim small' }, n)),
      h('h3', null, `Parallel coordinates: ${params.join(', ')} → ${metric}`),
      h('div', { class: 'chart pc' }, parallelCoords(shown, params, metric, width, label)),
      h('h3', null, `${metric} against each param`),
      h('div', { class: 'scatters' }, ...params.map((p) => h('figure', { class: 'chart-card scatter', 'data-param': p }, h('figcaption', null, p), h('div', { class: 'chart' }, scatter(shown, p, metric, label))))),
    );
  }

  chooser.addEventListener('change', () => {
    metric = chooser.value;
    draw();
  });

  return {
    element,
    update(shown, selected) {
      const name = shown[0]?.sweep?.name;
      if (selected.length >= 2) current = { runs: selected, what: `the ${plural(selected.length, 'selected run')}` };
      else if (shown.length >= 2 && name !== undefined && shown.every((r) => r.sweep?.name === name)) current = { runs: shown, what: `sweep ${name}: ${plural(shown.length, 'run')}` };
      else current = undefined;
      draw();
    },
  };
}
