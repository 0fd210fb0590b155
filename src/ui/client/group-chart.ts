/**
 * One metric's chart of groups: each group's mean curve over its runs, with
 * a band of ± one standard deviation (see series-band.ts for how the runs'
 * steps are aligned). Axes and ticks are the comparison page's.
 */
import { axes, HEIGHT, M, type Domain } from '../../html/client/chart-axes.js';
import { h, s } from '../../html/client/dom.js';
import { fmtNum } from '../../html/client/format.js';
import type { Band } from './series-band.js';

export interface GroupLine {
  label: string;
  color: string;
  band: Band;
}

export function drawGroupChart(metric: string, lines: readonly GroupLine[], width: number): HTMLElement {
  const d = domainOf(lines);
  if (!d) return h('p', { class: 'dim' }, 'No points to draw.');
  const W = Math.max(240, width);
  const px = (x: number) => M.l + ((x - d.x0) / (d.x1 - d.x0)) * (W - M.l - M.r);
  const py = (y: number) => HEIGHT - M.b - ((y - d.y0) / (d.y1 - d.y0)) * (HEIGHT - M.t - M.b);
  const svg = s('svg', { width: W, height: HEIGHT, viewBox: `0 0 ${W} ${HEIGHT}`, role: 'img', 'aria-label': `${metric} by step, mean ± std of each group` });
  axes(svg, d, W, px, py, false);
  lines.forEach(({ label, color, band }, i) => {
    const at = (ys: readonly number[], k: number) => `${px(band.steps[k]!).toFixed(1)},${py(ys[k]!).toFixed(1)}`;
    if (band.std.length) {
      const upper = band.mean.map((m, k) => m + band.std[k]!);
      const lower = band.mean.map((m, k) => m - band.std[k]!);
      const points = [...band.steps.map((_, k) => at(upper, k)), ...band.steps.map((_, k) => at(lower, k)).reverse()];
      svg.append(s('polygon', { class: 'band', points: points.join(' '), fill: color, 'fill-opacity': 0.18, stroke: 'none', 'data-group': i }));
    }
    const last = band.steps.length - 1;
    const title = `${label}: ${metric} ${fmtNum(band.mean[last])}${band.std.length ? ` ± ${fmtNum(band.std[last])}` : ''} at step ${fmtNum(band.steps[last])} (${band.runs} runs)`;
    svg.append(s('path', { class: 'line mean', d: `M${band.steps.map((_, k) => at(band.mean, k)).join('L')}`, fill: 'none', stroke: color, 'stroke-width': 2, 'data-group': i }, s('title', null, title)));
  });
  return h('div', { class: 'chart' }, svg);
}

function domainOf(lines: readonly GroupLine[]): Domain | undefined {
  const d = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  for (const { band } of lines) {
    band.steps.forEach((x, k) => {
      const sd = band.std[k] ?? 0;
      d.x0 = Math.min(d.x0, x);
      d.x1 = Math.max(d.x1, x);
      d.y0 = Math.min(d.y0, band.mean[k]! - sd);
      d.y1 = Math.max(d.y1, band.mean[k]! + sd);
    });
  }
  if (d.x0 > d.x1) return undefined;
  if (d.x0 === d.x1) [d.x0, d.x1] = [d.x0 - 1, d.x1 + 1];
  const pad = d.y0 === d.y1 ? Math.abs(d.y0) * 0.1 || 1 : (d.y1 - d.y0) * 0.05;
  return { ...d, y0: d.y0 - pad, y1: d.y1 + pad };
}
