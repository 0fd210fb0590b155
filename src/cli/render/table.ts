import { paint } from './format.js';
import { printable } from './printable.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Lower numbers are dropped last when the table is wider than the terminal. */
  priority?: number;
}

/**
 * A plain-text table fitted to `width`: columns are dropped from the lowest
 * priority until it fits, then the widest text column is truncated with "…".
 */
export function renderTable(columns: Column[], rawRows: string[][], opts: { width?: number; color?: boolean; paintCell?: (col: number, text: string, row: number) => string } = {}): string {
  const rows = rawRows.map((r) => r.map(printable));
  let cols = columns.map((c, i) => ({ ...c, header: printable(c.header), i }));
  const widthOf = (i: number) => Math.max(columns[i]!.header.length, ...rows.map((r) => visibleLength(r[i] ?? '')));
  const widths = new Map(cols.map((c) => [c.i, widthOf(c.i)]));
  const total = () => cols.reduce((sum, c) => sum + widths.get(c.i)!, 0) + 2 * (cols.length - 1);
  const limit = opts.width ?? Infinity;
  while (total() > limit && cols.length > 2) {
    const drop = cols.reduce((a, b) => ((b.priority ?? 0) > (a.priority ?? 0) ? b : a));
    if ((drop.priority ?? 0) === 0) break;
    cols = cols.filter((c) => c !== drop);
  }
  if (total() > limit) {
    const widest = cols.filter((c) => c.align !== 'right').reduce((a, b) => (widths.get(b.i)! > widths.get(a.i)! ? b : a), cols[0]!);
    widths.set(widest.i, Math.max(8, widths.get(widest.i)! - (total() - limit)));
  }
  const line = (cells: string[], isHeader: boolean, row = -1) =>
    cols
      .map((c, k) => {
        const w = widths.get(c.i)!;
        let text = truncate(cells[c.i] ?? '', w);
        const pad = ' '.repeat(Math.max(0, w - visibleLength(text)));
        if (!isHeader && opts.paintCell) text = opts.paintCell(c.i, text, row);
        const cell = c.align === 'right' ? pad + text : text + (k === cols.length - 1 ? '' : pad);
        return isHeader ? paint(!!opts.color, 'bold', cell) : cell;
      })
      .join('  ');
  return [line(cols.length ? columns.map((c) => printable(c.header)) : [], true), ...rows.map((r, i) => line(r, false, i))].join('\n') + '\n';
}

function visibleLength(s: string): number {
  return [...s].length;
}

function truncate(s: string, w: number): string {
  const chars = [...s];
  return chars.length <= w ? s : chars.slice(0, Math.max(0, w - 1)).join('') + '…';
}
