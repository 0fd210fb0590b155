/**
 * The views over many runs: the group-by control with its summary table
 * (`#groups`) and, for the selected runs, each group's mean ± std curves
 * (`#group-charts`); and, placed apart, the sweep views (sweep-views.ts).
 * main.ts hands over the runs whenever the table or the selection changes;
 * everything else is here.
 */
import { h } from '../../html/client/dom.js';
import { plural } from '../../html/client/format.js';
import { swatch } from '../../html/client/run-style.js';
import type { UiRow, UiSeries } from '../api.js';
import { drawGroupChart, type GroupLine } from './group-chart.js';
import { groupTable } from './group-table.js';
import { groupRuns, parseKeys, type Group } from './groups.js';
import { showValue } from './params.js';
import { band } from './series-band.js';
import { sweepViews } from './sweep-views.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** Groups one chart draws before it gets unreadable. */
const MAX_GROUP_LINES = 10;

export interface Views {
  /** The group-by input, for the bar above the table. */
  control: HTMLElement;
  /** The groups' table and charts, for under the runs table. */
  element: HTMLElement;
  /** The sweep views: long, so below the charts and details of the runs. */
  sweepElement: HTMLElement;
  /** `stamp`: the repository's state the rows are from; the charts read the series again when it changes. */
  update(rows: readonly UiRow[], shown: readonly UiRow[], selected: ReadonlySet<string>, stamp: string): void;
}

export function createViews(get: <T>(path: string) => Promise<T>): Views {
  const input = h('input', { type: 'text', id: 'group-by', title: 'param names, comma-separated: a summary row (mean ± std of each metric) per combination of their values' });
  input.placeholder = 'group by: lr, hidden';
  const all = h('input', { type: 'checkbox', id: 'group-all', title: 'count failed, killed and running runs as well' });
  const groupsBox = h('section', { class: 'block', id: 'groups' });
  const chartsBox = h('section', { class: 'block', id: 'group-charts' });
  groupsBox.hidden = chartsBox.hidden = true;
  const label = (r: UiRow) => r.name ?? r.id.slice(0, 12);
  const sweeps = sweepViews(label);
  let last: Parameters<Views['update']> | undefined;
  let seriesKey = '';
  let series: UiSeries | undefined;
  let generation = 0;

  function draw(): void {
    if (!last) return;
    const [rows, shown, selected, stamp] = last;
    const keys = parseKeys(input.value);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const chosen = [...selected].flatMap((id) => byId.get(id) ?? []);
    sweeps.update(shown, chosen);
    groupsBox.hidden = chartsBox.hidden = keys.length === 0;
    // Whatever chart is still being fetched is out of date now.
    const mine = ++generation;
    if (keys.length === 0) return;
    const groups = groupRuns(shown, keys, all.checked);
    groupsBox.replaceChildren(
      h('h2', null, `Groups by ${keys.join(', ')}`),
      h('p', { class: 'controls' }, plural(groups.length, 'group'), ` of ${plural(shown.length, 'shown run')}`, h('label', { class: 'control' }, all, 'count runs that did not finish')),
      groupTable(shown, keys, groups, all.checked),
    );
    // The server went away (tmt ui stopped): keep what is shown.
    drawCharts(mine, keys, groupRuns(chosen, keys, all.checked), stamp).catch(() => undefined);
  }

  async function drawCharts(mine: number, keys: readonly string[], groups: readonly Group[], stamp: string): Promise<void> {
    const withRuns = groups.filter((g) => g.runs.length > 0);
    const counted = withRuns.slice(0, MAX_GROUP_LINES);
    const ids = counted.flatMap((g) => g.runs.map((r) => r.id));
    if (ids.length === 0) return void chartsBox.replaceChildren(h('h2', null, 'Group charts'), h('p', { class: 'dim' }, 'Select runs in the table to chart their groups: each group’s mean, with a band of ± one standard deviation.'));
    const key = `${stamp} ${ids.join(',')}`;
    if (key !== seriesKey) {
      const data = await get<UiSeries>(`/api/series?ids=${ids.map(encodeURIComponent).join(',')}`);
      // A newer draw started while this one waited: its picture wins.
      if (mine !== generation) return;
      [series, seriesKey] = [data, key];
    }
    const byRun = new Map(series!.runs.map((r) => [r.id, r.metrics]));
    const names = [...new Set(series!.runs.flatMap((r) => Object.keys(r.metrics)))].slice(0, 24);
    const labels = counted.map((g) => `${keys.map((k, i) => `${k}=${showValue(g.values[i]!)}`).join(' ')} (${plural(g.runs.length, 'run')})`);
    const colors = counted.map((_, i) => PALETTE[i % PALETTE.length]!);
    const width = Math.max(300, Math.floor((chartsBox.clientWidth || 900) / 2) - 30);
    const cards = names.map((name) => {
      const lines = counted.flatMap((g, i): GroupLine[] => {
        const b = band(g.runs.map((r) => byRun.get(r.id)?.[name]));
        return b ? [{ label: labels[i]!, color: colors[i]!, band: b }] : [];
      });
      return h('figure', { class: 'chart-card', 'data-metric': name }, h('figcaption', null, name), drawGroupChart(name, lines, width));
    });
    chartsBox.replaceChildren(
      h('h2', null, 'Group charts'),
      h('p', { class: 'legend' }, ...labels.map((l, i) => h('span', null, swatch(colors[i]!), l))),
      h('p', { class: 'dim small' }, 'Mean of the selected runs of each group, ± one sample standard deviation; runs are aligned by linear interpolation over the steps all of them span.'),
      ...(withRuns.length > counted.length ? [h('p', { class: 'dim small' }, `Only the first ${counted.length} of ${withRuns.length} groups drawn.`)] : []),
      h('div', { class: 'charts' }, ...cards),
    );
  }

  let typing: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(draw, 200);
  });
  all.addEventListener('change', draw);

  return {
    control: h('label', { class: 'control' }, 'group by ', input),
    element: h('div', { id: 'groups-views' }, groupsBox, chartsBox),
    sweepElement: sweeps.element,
    update(...args) {
      last = args;
      draw();
    },
  };
}
