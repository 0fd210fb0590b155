import type { PageData, RunStyle } from './types.js';

/** Tableau 10: distinct, readable on light and dark backgrounds. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A label (the server's, see src/compare/labels.ts) and a colour per run. */
export function runStyle(data: PageData): RunStyle {
  return { labels: data.labels, colors: data.runs.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** A swatch of a run's colour, set through the CSS object model (allowed by the page's policy, unlike style attributes). */
export function swatch(color: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = 'swatch';
  el.style.background = color;
  return el;
}
