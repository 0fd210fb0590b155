/**
 * Parallel coordinates: one vertical axis per param that varies, then the
 * metric; each run a polyline through its values, coloured by the metric
 * (dark for low, yellow for high), so the params that lead to good results
 * show as bundles of bright lines.
 */
import { s } from '../../html/client/dom.js';
import { fmtNum } from '../../html/client/format.js';
import type { UiRow } from '../api.js';
import { lastValue } from './groups.js';
import { paramValue, showValue, type ParamValue } from './params.js';
import { ramp, scaleOf, type Scale } from './scale.js';

const HEIGHT = 280;
const M = { l: 40, r: 60, t: 30, b: 16 };
/** Category labels an axis shows before it shows only some. */
const MAX_LABELS = 12;

/** `runs`: each with a finite value of `metric`. */
export function parallelCoords(runs: readonly UiRow[], params: readonly string[], metric: string, width: number, label: (r: UiRow) => string): SVGSVGElement {
  const W = Math.max(320, width);
  const axes: Array<{ name: string; metric: boolean; value: (r: UiRow) => ParamValue }> = [
    ...params.map((k) => ({ name: k, metric: false, value: (r: UiRow) => paramValue(r, k) })),
    { name: metric, metric: true, value: (r: UiRow) => lastValue(r, metric)! },
  ];
  const scales = axes.map((a) => scaleOf(runs.map(a.value), !a.metric));
  const ax = (i: number) => M.l + (axes.length === 1 ? 0 : (i / (axes.length - 1)) * (W - M.l - M.r));
  const ay = (t: number) => M.t + (1 - t) * (HEIGHT - M.t - M.b);
  const svg = s('svg', { width: W, height: HEIGHT, viewBox: `0 0 ${W} ${HEIGHT}`, role: 'img', 'aria-label': `parallel coordinates: ${params.join(', ')} to ${metric}` });
  const colour = scales[scales.length - 1]!;
  // Lines first, axes over them, so the tick labels stay readable.
  for (const r of runs) {
    const points = axes.map((a, i) => `${ax(i).toFixed(1)},${ay(scales[i]!.at(a.value(r))).toFixed(1)}`).join(' ');
    const title = `${label(r)}: ${axes.map((a) => `${a.name}=${a.metric ? fmtNum(lastValue(r, metric)) : showValue(a.value(r))}`).join(' ')}`;
    svg.append(s('polyline', { class: 'pc-line', 'data-id': r.id, points, fill: 'none', stroke: ramp(colour.at(lastValue(r, metric)!)), 'stroke-width': 1.5, 'stroke-opacity': 0.85 }, s('title', null, title)));
  }
  axes.forEach((a, i) => svg.append(axis(a.name, a.metric, scales[i]!, ax(i), ay)));
  return svg;
}

function axis(name: string, metric: boolean, scale: Scale, x: number, ay: (t: number) => number): SVGGElement {
  const g = s('g', { class: `pc-axis${metric ? ' pc-metric' : ''}`, 'data-axis': name });
  g.append(s('line', { class: 'axis', x1: x, x2: x, y1: ay(1), y2: ay(0) }), s('text', { x, y: M.t - 12, 'text-anchor': 'middle', class: 'axis-label' }, name));
  const every = Math.ceil(scale.ticks.length / MAX_LABELS);
  scale.ticks.forEach((t, k) => {
    if (k % every) return;
    g.append(s('line', { class: 'tick', x1: x - 3, x2: x + 3, y1: ay(t.at).toFixed(1), y2: ay(t.at).toFixed(1) }), s('text', { x: x + 6, y: ay(t.at).toFixed(1), 'dominant-baseline': 'middle' }, t.label));
  });
  return g;
}

