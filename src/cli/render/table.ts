import { paint } from './format.js';
import { displayWidth, sliceToWidth } from '../../util/width.js';
import { concat, joinText, type Styled, type Text } from '../terminal-text.js';
import { printable } from './printable.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Lower numbers are dropped last when the table is wider than the terminal; 0 (the default) is never dropped. */
  priority?: number;
  /** Never cut narrower than this (default 10, or the whole text when shorter). */
  minWidth?: number;
}

/**
 * A plain-text table fitted to `width`: columns are dropped from the highest
 * priority until it fits (a last line names them), then the widest columns
 * are cut with "…", text before numbers, each down to its minimum width.
 */
export function renderTable(columns: Column[], rawRows: string[][], opts: TableOptions = {}): Styled {
  return concat(joinText(renderTableLines(columns, rawRows, opts), '\n'), '\n');
}

export interface TableOptions {
  width?: number;
  color?: boolean;
  /** Colours a cell's text (already cut and printable); `col` and `row` index the rows as given. */
  paintCell?: (col: number, text: string, row: number) => Text;
}

/** The table's lines, without line ends. */
export function renderTableLines(columns: Column[], rawRows: string[][], opts: TableOptions = {}): Styled[] {
  const rows = rawRows.map((r) => r.map(printable));
  let cols = columns.map((c, i) => ({ ...c, header: printable(c.header), i }));
  const widthOf = (i: number) => {
    let w = visibleLength(cols[i]!.header);
    for (const r of rows) w = Math.max(w, visibleLength(r[i] ?? '')); // a loop: spreading 100,000 rows overflows the stack
    return w;
  };
  const widths = new Map(cols.map((c) => [c.i, widthOf(c.i)]));
  const total = () => cols.reduce((sum, c) => sum + widths.get(c.i)!, 0) + 2 * (cols.length - 1);
  const limit = opts.width ?? Infinity;
  const natural = new Map(widths);
  // Numbers are never cut (a number cut short reads as a smaller one), so no column gets narrower than its longest.
  const numberWidth = new Map(cols.map((c) => [c.i, rows.reduce((w, r) => (NUMBER.test(r[c.i] ?? '') ? Math.max(w, visibleLength(r[c.i]!)) : w), 0)]));
  const minOf = (c: Column & { i: number }) => Math.max(numberWidth.get(c.i)!, Math.min(natural.get(c.i)!, c.minWidth ?? 10));
  // A column is dropped only when the others would not fit even with their text cut short.
  const tightest = () => cols.reduce((sum, c) => sum + (c.align === 'right' ? natural.get(c.i)! : minOf(c)), 0) + 2 * (cols.length - 1);
  const dropped: string[] = [];
  while (tightest() > limit && cols.length > 2) {
    const drop = cols.reduce((a, b) => ((b.priority ?? 0) > (a.priority ?? 0) ? b : a));
    if ((drop.priority ?? 0) === 0) break;
    cols = cols.filter((c) => c !== drop);
    dropped.push(drop.header);
  }
  shrinkWidest(cols.filter((c) => c.align !== 'right'), widths, minOf, total() - limit);
  shrinkWidest(cols, widths, minOf, total() - limit);
  const line = (cells: string[], isHeader: boolean, row = -1) => {
    const parts: Text[] = []; // one Styled per line, not per cell: a table may have 100,000 rows
    cols.forEach((c, k) => {
      const w = widths.get(c.i)!;
      const cut = truncate(cells[c.i] ?? '', w);
      const pad = ' '.repeat(Math.max(0, w - visibleLength(cut)));
      const text = !isHeader && opts.paintCell ? opts.paintCell(c.i, cut, row) : cut;
      const [left, right] = c.align === 'right' ? [pad, text] : [text, k === cols.length - 1 ? '' : pad];
      if (k > 0) parts.push('  ');
      if (isHeader) parts.push(paint(!!opts.color, 'bold', concat(left, right)));
      else parts.push(left, right);
    });
    return joinText(parts);
  };
  const lines = [line(cols.length ? columns.map((c) => printable(c.header)) : [], true), ...rows.map((r, i) => line(r, false, i))];
  if (dropped.length) lines.push(paint(!!opts.color, 'dim', `(hidden to fit: ${dropped.join(', ')}; see --columns)`)); // whole: the terminal wraps it rather than hide what it names
  return lines;
}

/** Takes `excess` characters off the widest of `cols`, one at a time, never below each one's minimum. */
function shrinkWidest<C extends { i: number }>(cols: C[], widths: Map<number, number>, minOf: (c: C) => number, excess: number): void {
  for (; excess > 0; excess--) {
    let widest: C | undefined;
    for (const c of cols) if (widths.get(c.i)! > minOf(c) && (!widest || widths.get(c.i)! > widths.get(widest.i)!)) widest = c;
    if (!widest) return;
    widths.set(widest.i, widths.get(widest.i)! - 1);
  }
}

const NUMBER = /^[+-]?(\d[\d,]*(\.\d*)?|\.\d+)(e[+-]?\d+)?%?$|^[+-]?(inf|Infinity|NaN)$/i;

function visibleLength(s: string): number {
  return displayWidth(s);
}

function truncate(s: string, w: number): string {
  return displayWidth(s) <= w ? s : sliceToWidth(s, Math.max(0, w - 1)) + '…';
}
