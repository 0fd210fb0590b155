/** Charts of every metric with the runs overlaid, a shared legend and the smoothing and log-scale controls. */
import { drawChart, type ChartView } from './chart.js';
import { h, section, whenVisible } from './dom.js';
import { swatch } from './run-style.js';
import { directionText } from './tables.js';
import type { PageData, RunStyle, SeriesSet } from './types.js';

export function chartsSection(data: PageData, style: RunStyle): HTMLElement {
  // Metrics given only as final values (tmt save -m acc=0.5) have a row in the Metrics table but nothing over steps.
  const finalOnly = data.metrics.map((m) => m.name).filter((n) => !data.series.some((s) => s.name === n));
  if (data.series.length === 0) {
    const why = finalOnly.length ? 'these runs have final values (in the Metrics table) but no values over steps' : 'these runs logged no metrics';
    return section('charts', 'Charts', h('p', { class: 'dim' }, `No metric series to draw: ${why}.`));
  }
  const view: ChartView = { smoothing: 0.6, logY: false, width: 560 };
  const slider = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.99, step: 0.01, value: view.smoothing, 'aria-label': 'smoothing' });
  const shown = h('output', { for: 'smoothing' }, view.smoothing.toFixed(2));
  const log = h('input', { type: 'checkbox', id: 'log-y' });
  const legend = h('div', { class: 'legend' }, ...style.labels.map((l, i) => h('span', { class: 'legend-item' }, swatch(style.colors[i]!), l)));
  const grid = h('div', { class: 'charts' });
  const cards = data.series.map((set) => chartCard(set, data, style));
  grid.append(...cards.map((c) => c.el));
  const drawn = new Set<number>();
  const visible = whenVisible();
  const draw = (k: number) => {
    drawn.add(k);
    view.width = cards[k]!.body.clientWidth || view.width;
    cards[k]!.body.replaceChildren(drawChart(data.series[k]!, style, view));
  };
  cards.forEach((c, k) => visible.watch(c.el, () => draw(k)));
  let queued = false;
  const redraw = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      for (const k of drawn) draw(k);
    });
  };
  slider.addEventListener('input', () => {
    view.smoothing = Number(slider.value);
    shown.textContent = view.smoothing.toFixed(2);
    redraw();
  });
  log.addEventListener('change', () => {
    view.logY = log.checked;
    redraw();
  });
  let lastWidth = grid.clientWidth;
  new ResizeObserver(() => {
    if (grid.clientWidth !== lastWidth) {
      lastWidth = grid.clientWidth;
      redraw();
    }
  }).observe(grid);
  const controls = h('div', { class: 'controls' }, h('label', { class: 'control' }, 'Smoothing ', slider, ' ', shown), h('label', { class: 'control' }, log, ' log scale'), legend);
  const note = finalOnly.length ? h('p', { class: 'dim final-only' }, `Final values only, no series to draw: ${finalOnly.join(', ')}.`) : null;
  return section('charts', 'Charts', controls, grid, note);
}

function chartCard(set: SeriesSet, data: PageData, style: RunStyle): { el: HTMLElement; body: HTMLElement } {
  const missing = set.runs.map((r, i) => (r ? null : style.labels[i]!)).filter((l): l is string => l !== null);
  // NaN and ±inf cannot be drawn; where a run's series has them is what matters about it.
  const diverged = set.runs.flatMap((r, i) => {
    const bad = r?.nonFinite;
    return bad ? [`${style.labels[i]}: ${bad.value} at step ${bad.step}${bad.count > 1 ? ` and ${bad.count - 1} more step${bad.count > 2 ? 's' : ''}` : ''}`] : [];
  });
  const body = h('div', { class: 'chart-body' });
  const el = h(
    'figure',
    { class: 'chart-card', 'data-metric': set.name },
    h('figcaption', null, h('strong', null, set.name), h('span', { class: 'dim' }, ` ${directionText(set.directionSource, set.direction)}`, missing.length && data.runs.length > 1 ? ` · not logged by ${missing.join(', ')}` : ''), diverged.length ? h('span', { class: 'diverged' }, ` · ${diverged.join(', ')}`) : null),
    body,
  );
  return { el, body };
}
