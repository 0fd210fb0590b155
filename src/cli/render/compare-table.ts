/**
 * `tmt compare` in the terminal: one column per run, one row per field
 * (identity, then params, then metrics' last values), metric cells coloured
 * better or worse than the first run's.
 */
import type { Comparison, Verdict } from '../../compare/model.js';
import { runLabels } from '../../compare/labels.js';
import type { Cell, Tabular } from './formats.js';
import { formatDuration, formatTime, formatValue, paint } from './format.js';
import { renderTable } from './table.js';

export interface CompareRows {
  tabular: Tabular;
  /** Per row, per run: how a metric cell compares with the first run. */
  verdicts: Array<Array<Verdict | null>>;
}

export function compareRows(c: Comparison, opts: { onlyChanged: boolean; human: boolean }): CompareRows {
  const rows: Cell[][] = [];
  const verdicts: Array<Array<Verdict | null>> = [];
  const none = c.runs.map(() => null);
  const add = (field: string, values: Cell[], keep: boolean, v: Array<Verdict | null> = none) => {
    if (opts.onlyChanged && !keep && values.every((x) => x === values[0])) return;
    rows.push([field, ...values]);
    verdicts.push(v);
  };
  add('id', c.runs.map((r) => (opts.human ? r.id.slice(0, 12) : r.id)), true);
  add('name', c.runs.map((r) => r.name ?? null), true);
  add('status', c.runs.map((r) => r.status), false);
  add('started', c.runs.map((r) => (opts.human ? formatTime(r.started) : (r.started ?? null))), false);
  add('duration', c.runs.map((r) => (opts.human ? formatDuration(r.durationMs) : r.durationMs === undefined ? null : r.durationMs / 1000)), false);
  for (const p of c.params) add(`params.${p.key}`, p.values, false);
  for (const m of c.metrics) {
    const values = m.summaries.map((s) => (s ? (opts.human ? formatValue(s.last) : s.last) : null));
    add(`metrics.${m.name}`, values, false, m.verdicts);
  }
  return { tabular: { columns: ['field', ...runLabels(c.runs)], rows }, verdicts };
}

/** The terminal table, fitted to `width`. */
export function renderCompareTable(c: Comparison, opts: { onlyChanged: boolean; width?: number; color: boolean }): string {
  const { tabular, verdicts } = compareRows(c, { onlyChanged: opts.onlyChanged, human: true });
  const cells = tabular.rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
  return renderTable(
    // Field names are what a row means: cut the runs' values before them.
    tabular.columns.map((header, i) => (i === 0 ? { header, align: 'left', minWidth: Math.min(40, Math.max(...cells.map((r) => r[0]!.length))) } : { header, align: 'right' })),
    cells,
    {
      width: opts.width,
      color: opts.color,
      paintCell: (col, text, row) => {
        const v = col > 0 ? verdicts[row]?.[col - 1] : null;
        return v === 'better' ? paint(opts.color, 'green', text) : v === 'worse' ? paint(opts.color, 'red', text) : col === 0 ? paint(opts.color, 'dim', text) : text;
      },
    },
  );
}
