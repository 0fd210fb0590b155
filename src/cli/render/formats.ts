/**
 * Output formats, one registry: `json` is each command's own document (out.json);
 * for the others a command builds columns and rows of raw values, and each
 * format renders them. A command offers a subset (its spec's formatFlags, which
 * checks a --format given against it). CSV follows RFC 4180 and loads
 * straight into pandas (`pd.read_csv`); numbers are written in full.
 * Exports land on terminals too: the output layer spells out control
 * characters in them (`\x1b`) as everywhere else; the quoting and separators
 * here are plain text, so every format stays valid.
 */
import type { Text } from '../terminal-text.js';
import { formatValue } from './format.js';
import { renderTable } from './table.js';

export type Cell = string | number | boolean | null | undefined;
export interface Tabular {
  columns: string[];
  rows: Cell[][];
}

export type TabularFormat = 'table' | 'csv' | 'tsv' | 'md';
/**
 * Every format a command may offer. `lines` (one value a line) and `array`
 * (a range list, `0-3,7`, as `sbatch --array` takes it) are for lists of
 * numbers: `tmt sweep --missing`.
 */
export type Format = 'json' | TabularFormat | 'lines' | 'array';

export const TABULAR_FORMATS: Record<TabularFormat, (t: Tabular, opts: { width?: number; color: boolean }) => Text> = {
  table: (t, opts) => (t.rows.length ? renderTable(t.columns.map((header) => ({ header })), t.rows.map((r) => r.map(display)), opts) : 'no runs\n'),
  csv: (t) => delimited(t, ',', csvField),
  tsv: (t) => delimited(t, '\t', (v) => raw(v).replace(/[\t\n\r]/g, ' ')),
  md: (t) =>
    [
      `| ${t.columns.map(mdField).join(' | ')} |`,
      `|${t.columns.map(() => '---').join('|')}|`,
      ...t.rows.map((r) => `| ${r.map((v) => mdField(display(v))).join(' | ')} |`),
    ].join('\n') + '\n',
};

function display(v: Cell): string {
  return v === null || v === undefined ? '' : formatValue(v);
}

function raw(v: Cell): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

function csvField(v: Cell): string {
  const s = raw(v);
  return /[",\n\r]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function mdField(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function delimited(t: Tabular, sep: string, field: (v: Cell) => string): string {
  return [t.columns.map(field).join(sep), ...t.rows.map((r) => r.map(field).join(sep))].join('\n') + '\n';
}
