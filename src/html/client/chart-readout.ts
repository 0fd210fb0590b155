/** The read-out under the pointer: a crosshair and each run's value at the nearest step. */
import { HEIGHT, M, type Domain } from './chart-axes.js';
import { ema } from './chart-math.js';
import type { ChartView } from './chart.js';
import { h, s } from './dom.js';
import { fmtNum } from './format.js';
import type { RunStyle, SeriesSet } from './types.js';

/** Adds the crosshair and read-out to a drawn chart. */
export function crosshair(wrap: HTMLElement, svg: SVGSVGElement, set: SeriesSet, style: RunStyle, view: ChartView, g: { d: Domain; W: number; px: (x: number) => number }): void {
  const line = s('line', { class: 'crosshair', y1: M.t, y2: HEIGHT - M.b, x1: 0, x2: 0 });
  line.style.display = 'none';
  const tip = h('div', { class: 'tip', role: 'status' });
  tip.hidden = true;
  svg.append(line);
  wrap.append(tip);
  const smoothed = set.runs.map((r) => (r && view.smoothing > 0 ? ema(r.values, view.smoothing) : r?.values));
  svg.addEventListener('pointerleave', () => {
    tip.hidden = true;
    line.style.display = 'none';
  });
  svg.addEventListener('pointermove', (ev) => {
    const box = svg.getBoundingClientRect();
    const x = g.d.x0 + ((ev.clientX - box.left - M.l) / (g.W - M.l - M.r)) * (g.d.x1 - g.d.x0);
    const rows = set.runs.map((r, i) => {
      if (!r || r.steps.length === 0) return null;
      const k = nearest(r.steps, x);
      const v = smoothed[i]![k]!;
      const raw = view.smoothing > 0 ? ` (raw ${fmtNum(r.values[k])})` : '';
      return h('div', null, h('span', { class: 'swatch-text' }, '■ '), `${style.labels[i]}: ${fmtNum(v)}${raw} at step ${fmtNum(r.steps[k])}`);
    });
    rows.forEach((row, i) => row?.firstElementChild instanceof HTMLElement && (row.firstElementChild.style.color = style.colors[i]!));
    tip.replaceChildren(...rows.filter((r): r is HTMLDivElement => r !== null));
    const cx = Math.min(Math.max(g.px(x), M.l), g.W - M.r).toFixed(1);
    line.setAttribute('x1', cx);
    line.setAttribute('x2', cx);
    line.style.display = '';
    tip.hidden = false;
  });
}

/** Index of the step closest to x, by binary search (steps are sorted). */
function nearest(steps: readonly number[], x: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(steps[lo - 1]! - x) <= Math.abs(steps[lo]! - x) ? lo - 1 : lo;
}
