/** A chart's frame: plot margins, the value domain, and round ticks on linear or log axes. */
import { s } from './dom.js';
import { fmtTick } from './format.js';

export const HEIGHT = 240;
export const M = { l: 58, r: 16, t: 12, b: 30 };

export interface Domain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
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

export function axes(svg: SVGSVGElement, d: Domain, W: number, px: (x: number) => number, py: (y: number) => number, logY: boolean): void {
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

/**
 * Ticks for a log axis: powers of ten when at least three fall inside
 * [lo, hi], else 1, 2 and 5 of each decade, else (a range inside one decade,
 * such as a loss from 0.21 to 1.5) round linear ticks.
 */
function logTicks(lo: number, hi: number): number[] {
  for (const steps of [[1], [1, 2, 5]]) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of steps) {
        const t = Number((m * 10 ** e).toPrecision(12));
        if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) out.push(t);
      }
    }
    if (out.length >= 3) return out;
  }
  return niceTicks(lo, hi, 4).filter((t) => t > 0);
}
