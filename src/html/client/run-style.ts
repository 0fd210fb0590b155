import type { PageData, RunStyle } from './types.js';

/** Tableau 10: distinct, readable on light and dark backgrounds. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A label and a colour per run. Names that repeat get the shortest id prefix (8 or more) that tells them apart. */
export function runStyle(data: PageData): RunStyle {
  const ids = data.runs.map((r) => r.id);
  const names = data.runs.map((r) => r.name);
  const labels = data.runs.map((r, i) => {
    const short = uniquePrefix(r.id, ids);
    if (!r.name) return short;
    return names.filter((n) => n === r.name).length > 1 ? `${r.name} (${short})` : r.name;
  });
  return { labels, colors: data.runs.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

export function uniquePrefix(id: string, ids: readonly string[]): string {
  let len = 8;
  for (const other of ids) {
    if (other === id) continue;
    let k = 0;
    while (k < id.length && id[k] === other[k]) k++;
    len = Math.max(len, k + 1);
  }
  return id.slice(0, len);
}

/** A swatch of a run's colour, set through the CSS object model (allowed by the page's policy, unlike style attributes). */
export function swatch(color: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = 'swatch';
  el.style.background = color;
  return el;
}
