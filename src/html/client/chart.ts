/**
 * One metric's chart as SVG: every run's series overlaid on shared axes,
 * optionally smoothed with a debiased exponential moving average (as
 * TensorBoard does: the raw series stays, faint, behind the smoothed one),
 * each run's best raw point marked (when the metric's direction is known),
 * and a crosshair that reads out every run's value at the step under the
 * pointer.
 */
import { h, s } from './dom.js';
import { axes, HEIGHT, M, type Domain } from './chart-axes.js';
import { bestIndex, ema } from './chart-math.js';
import { crosshair } from './chart-readout.js';
import { fmtNum } from './format.js';
import type { RunStyle, SeriesSet } from './types.js';

export interface ChartView {
  smoothing: number;
  logY: boolean;
  width: number;
}

function domainOf(set: SeriesSet, logY: boolean): Domain | undefined {
  const d = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  for (const r of set.runs) {
    r?.steps.forEach((x, i) => {
      const y = r.values[i]!;
      if (logY && !(y > 0)) return;
      d.x0 = Math.min(d.x0, x);
      d.x1 = Math.max(d.x1, x);
      d.y0 = Math.min(d.y0, y);
      d.y1 = Math.max(d.y1, y);
    });
  }
  if (d.x0 > d.x1) return undefined;
  if (d.x0 === d.x1) [d.x0, d.x1] = [d.x0 - 1, d.x1 + 1];
  if (logY) {
    if (d.y0 === d.y1) [d.y0, d.y1] = [d.y0 / 2, d.y1 * 2];
    return d;
  }
  const pad = d.y0 === d.y1 ? Math.abs(d.y0) * 0.1 || 1 : (d.y1 - d.y0) * 0.05;
  return { ...d, y0: d.y0 - pad, y1: d.y1 + pad };
}

/** Draws the chart; returns an element holding the SVG and its read-out. */
export function drawChart(set: SeriesSet, style: RunStyle, view: ChartView): HTMLElement {
  const wrap = h('div', { class: 'chart' });
  const logY = view.logY && set.runs.some((r) => r?.values.some((v) => v > 0));
  const d = domainOf(set, logY);
  if (!d) return h('p', { class: 'dim' }, 'No points to draw.');
  const W = Math.max(240, view.width);
  const fy = logY ? Math.log10 : (v: number) => v;
  const px = (x: number) => M.l + ((x - d.x0) / (d.x1 - d.x0)) * (W - M.l - M.r);
  const py = (y: number) => HEIGHT - M.b - ((fy(y) - fy(d.y0)) / (fy(d.y1) - fy(d.y0))) * (HEIGHT - M.t - M.b);
  const svg = s('svg', { width: W, height: HEIGHT, viewBox: `0 0 ${W} ${HEIGHT}`, role: 'img', 'aria-label': `${set.name} by step` });
  axes(svg, d, W, px, py, logY);
  set.runs.forEach((r, i) => {
    if (!r || r.steps.length === 0) return; // nothing drawable (every value NaN or ±inf)
    const color = style.colors[i]!;
    const keep = r.values.map((v) => !logY || v > 0);
    const path = (ys: readonly number[]) => r.steps.map((x, k) => (keep[k] ? `${px(x).toFixed(1)},${py(ys[k]!).toFixed(1)}` : '')).filter(Boolean).join('L');
    const smooth = view.smoothing > 0 ? ema(r.values, view.smoothing) : undefined;
    // Past the palette's ten colours, runs are told apart by dashes as well.
    const dash = i >= 10 ? `${4 + 2 * Math.floor(i / 10)} 3` : undefined;
    svg.append(s('path', { class: 'line raw', d: `M${path(r.values)}`, fill: 'none', stroke: color, 'stroke-width': 1.5, 'stroke-opacity': smooth ? 0.25 : 1, 'stroke-dasharray': dash, 'data-run': i }));
    if (smooth) svg.append(s('path', { class: 'line smooth', d: `M${path(smooth)}`, fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-dasharray': dash, 'data-run': i }));
    // A metric of no known direction has no best point to mark.
    const b = set.directionSource === 'unknown' ? -1 : bestIndex(r.values, set.direction);
    if (b >= 0 && keep[b]) {
      const title = `${style.labels[i]}: best ${set.name} ${fmtNum(r.values[b])} at step ${fmtNum(r.steps[b])}`;
      svg.append(s('circle', { class: 'best', cx: px(r.steps[b]!).toFixed(1), cy: py(r.values[b]!).toFixed(1), r: 4.5, fill: color, 'data-run': i }, s('title', null, title)));
    }
  });
  wrap.append(svg);
  crosshair(wrap, svg, set, style, view, { d, W, px });
  const thinned = set.runs.some((r) => r && r.total > r.steps.length);
  if (thinned) wrap.append(h('p', { class: 'dim small' }, 'Long series are thinned for drawing; every bucket keeps its lowest and highest point.'));
  return wrap;
}

