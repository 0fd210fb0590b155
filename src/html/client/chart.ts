/**
 * One metric's chart as SVG: every run's series overlaid on shared axes,
 * optionally smoothed with a debiased exponential moving average (as
 * TensorBoard does: the raw series stays, faint, behind the smoothed one),
 * each run's best raw point marked, and a crosshair that reads out every
 * run's value at the step under the pointer.
 */
import { h, s } from './dom.js';
import { fmtNum, fmtTick } from './format.js';
import type { RunStyle, SeriesSet } from './types.js';

export interface ChartView {
  smoothing: number;
  logY: boolean;
  width: number;
}

const HEIGHT = 240;
const M = { l: 58, r: 16, t: 12, b: 30 };

/** Debiased EMA: early points are not pulled towards zero. */
export function ema(values: readonly number[], w: number): number[] {
  if (w <= 0) return [...values];
  let last = 0;
  let weight = 0;
  return values.map((v) => {
    last = last * w + (1 - w) * v;
    weight = weight * w + (1 - w);
    return last / weight;
  });
}

/** The index of the best value: the lowest or highest, the first one on ties. */
export function bestIndex(values: readonly number[], direction: 'max' | 'min'): number {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || (direction === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}

/** Round tick values (1, 2, 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f >= 7.5 ? 10 : f >= 3.5 ? 5 : f >= 1.5 ? 2 : 1) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

interface Domain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
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
    if (!r) return;
    const color = style.colors[i]!;
    const keep = r.values.map((v) => !logY || v > 0);
    const path = (ys: readonly number[]) => r.steps.map((x, k) => (keep[k] ? `${px(x).toFixed(1)},${py(ys[k]!).toFixed(1)}` : '')).filter(Boolean).join('L');
    const smooth = view.smoothing > 0 ? ema(r.values, view.smoothing) : undefined;
    svg.append(s('path', { class: 'line raw', d: `M${path(r.values)}`, fill: 'none', stroke: color, 'stroke-width': 1.5, 'stroke-opacity': smooth ? 0.25 : 1, 'data-run': i }));
    if (smooth) svg.append(s('path', { class: 'line smooth', d: `M${path(smooth)}`, fill: 'none', stroke: color, 'stroke-width': 2, 'data-run': i }));
    const b = bestIndex(r.values, set.direction);
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

function axes(svg: SVGSVGElement, d: Domain, W: number, px: (x: number) => number, py: (y: number) => number, logY: boolean): void {
  const g = s('g', { class: 'axes' });
  const yTicks = logY ? logTicks(d.y0, d.y1) : niceTicks(d.y0, d.y1, 5);
  for (const t of yTicks) {
    const y = py(t);
    if (y < M.t - 0.5 || y > HEIGHT - M.b + 0.5) continue;
    g.append(s('line', { class: 'grid', x1: M.l, x2: W - M.r, y1: y.toFixed(1), y2: y.toFixed(1) }), s('text', { x: M.l - 6, y: y.toFixed(1), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmtTick(t)));
  }
  for (const t of niceTicks(d.x0, d.x1, Math.max(2, Math.floor((W - M.l - M.r) / 90)))) {
    const x = px(t);
    g.append(s('line', { class: 'tick', x1: x.toFixed(1), x2: x.toFixed(1), y1: HEIGHT - M.b, y2: HEIGHT - M.b + 4 }), s('text', { x: x.toFixed(1), y: HEIGHT - M.b + 16, 'text-anchor': 'middle' }, fmtTick(t)));
  }
  g.append(s('line', { class: 'axis', x1: M.l, x2: W - M.r, y1: HEIGHT - M.b, y2: HEIGHT - M.b }), s('text', { x: W - M.r, y: HEIGHT - 2, 'text-anchor': 'end', class: 'axis-label' }, 'step'));
  svg.append(g);
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out.length >= 3 ? out : niceTicks(lo, hi, 4).filter((t) => t > 0);
}

/** The read-out under the pointer: each run's value at the nearest step. */
function crosshair(wrap: HTMLElement, svg: SVGSVGElement, set: SeriesSet, style: RunStyle, view: ChartView, g: { d: Domain; W: number; px: (x: number) => number }): void {
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
