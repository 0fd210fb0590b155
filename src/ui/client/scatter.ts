/** A metric against one param: a point per run, the param on x (linear for numbers, else categories), the metric on y. */
import { s } from '../../html/client/dom.js';
import { fmtNum } from '../../html/client/format.js';
import type { UiRow } from '../api.js';
import { lastValue } from './groups.js';
import { paramValue, showValue } from './params.js';
import { ramp, scaleOf } from './scale.js';

const W = 300;
const HEIGHT = 200;
const M = { l: 52, r: 14, t: 10, b: 34 };
/** Keeps points off the frame. */
const INSET = 0.06;

/** `runs`: each with a finite value of `metric`. */
export function scatter(runs: readonly UiRow[], param: string, metric: string, label: (r: UiRow) => string): SVGSVGElement {
  const xs = scaleOf(runs.map((r) => paramValue(r, param)), true);
  const ys = scaleOf(runs.map((r) => lastValue(r, metric)!));
  const inset = (t: number) => INSET + t * (1 - 2 * INSET);
  const px = (t: number) => M.l + inset(t) * (W - M.l - M.r);
  const py = (t: number) => HEIGHT - M.b - inset(t) * (HEIGHT - M.t - M.b);
  const svg = s('svg', { width: W, height: HEIGHT, viewBox: `0 0 ${W} ${HEIGHT}`, role: 'img', 'aria-label': `${metric} against ${param}`, 'data-param': param });
  const g = s('g', { class: 'axes' });
  for (const t of ys.ticks) g.append(s('line', { class: 'grid', x1: M.l, x2: W - M.r, y1: py(t.at).toFixed(1), y2: py(t.at).toFixed(1) }), s('text', { x: M.l - 6, y: py(t.at).toFixed(1), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, t.label));
  const every = Math.ceil(xs.ticks.length / 6);
  xs.ticks.forEach((t, k) => {
    if (k % every === 0) g.append(s('text', { x: px(t.at).toFixed(1), y: HEIGHT - M.b + 14, 'text-anchor': 'middle' }, t.label));
  });
  g.append(
    s('line', { class: 'axis', x1: M.l, x2: W - M.r, y1: HEIGHT - M.b, y2: HEIGHT - M.b }),
    s('text', { x: W - M.r, y: HEIGHT - 3, 'text-anchor': 'end', class: 'axis-label' }, param),
  );
  svg.append(g);
  for (const r of runs) {
    const v = lastValue(r, metric)!;
    const x = paramValue(r, param);
    svg.append(s('circle', { class: 'pt', 'data-id': r.id, cx: px(xs.at(x)).toFixed(1), cy: py(ys.at(v)).toFixed(1), r: 4, fill: ramp(ys.at(v)), 'fill-opacity': 0.85 }, s('title', null, `${label(r)}: ${param}=${showValue(x)} ${metric}=${fmtNum(v)}`)));
  }
  return svg;
}
