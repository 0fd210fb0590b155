/**
 * `tmt compare` in the terminal: one column per run, one row per field
 * (identity, then params, then metrics' last values), metric cells coloured
 * better or worse than the first run's and the best run's in bold, for
 * metrics whose direction is known.
 */
import type { Comparison, Verdict } from '../../compare/model.js';
import type { Cell, Tabular } from './formats.js';
import { formatDuration, formatTime, formatValue, paint, statusColor } from './format.js';
import { renderTable } from './table.js';
import type { Styled } from '../terminal-text.js';

export interface CompareRows {
  tabular: Tabular;
  /** Per row, per run: how a metric cell compares with the first run. */
  verdicts: Array<Array<Verdict | null>>;
  /** Per row: the run (index into the runs) with the best value, if the row is a judged metric. */
  best: Array<number | null>;
}

export function compareRows(c: Comparison, opts: { onlyChanged: boolean; human: boolean }): CompareRows {
  const rows: Cell[][] = [];
  const verdicts: Array<Array<Verdict | null>> = [];
  const best: Array<number | null> = [];
  const none = c.runs.map(() => null);
  /** Whether --only-changed keeps a row: for params and metrics the model's judgement of the values as stored (shown ones may be rounded alike). */
  const add = (field: string, values: Cell[], changed = values.some((x) => !Object.is(x, values[0])), v: Array<Verdict | null> = none, b: number | null = null) => {
    if (opts.onlyChanged && !changed) return;
    rows.push([field, ...values]);
    verdicts.push(v);
    best.push(b);
  };
  add('id', c.runs.map((r) => (opts.human ? r.id.slice(0, 12) : r.id)), true);
  add('name', c.runs.map((r) => r.name ?? null), true);
  add('status', c.runs.map((r) => r.status));
  add('started', c.runs.map((r) => (opts.human ? formatTime(r.started) : (r.started ?? null))));
  add('duration', c.runs.map((r) => (opts.human ? formatDuration(r.durationMs) : r.durationMs === undefined ? null : r.durationMs / 1000)));
  for (const p of c.params) add(`params.${p.key}`, p.values, p.changed);
  for (const m of c.metrics) {
    const raw = m.summaries.map((s) => s?.last ?? null);
    let values: Cell[] = raw.map((x) => (x === null || !opts.human ? x : formatValue(x)));
    // Values that differ must look different: 0.5 and 0.5000001 are shown in full, not both as 0.5.
    if (opts.human && new Set(values).size < new Set(raw).size) values = raw.map((x) => (x === null ? null : String(x)));
    add(`metrics.${m.name}`, values, m.changed, m.verdicts, m.best);
  }
  return { tabular: { columns: ['field', ...c.runs.map((r) => r.label)], rows }, verdicts, best };
}

/** The terminal table, fitted to `width`. */
export function renderCompareTable(c: Comparison, opts: { onlyChanged: boolean; width?: number; color: boolean }): Styled {
  const { tabular, verdicts, best } = compareRows(c, { onlyChanged: opts.onlyChanged, human: true });
  // A run without the field shows a dash, so it is not taken for an empty value.
  const cells = tabular.rows.map((r) => r.map((v) => (v === null || v === undefined ? '—' : String(v))));
  const isParam = tabular.rows.map((r) => String(r[0]).startsWith('params.'));
  return renderTable(
    // Field names are what a row means: cut the runs' values before them.
    tabular.columns.map((header, i) => (i === 0 ? { header, align: 'left', minWidth: Math.min(40, Math.max(...cells.map((r) => r[0]!.length))) } : { header, align: 'right' })),
    cells,
    {
      width: opts.width,
      color: opts.color,
      paintCell: (col, text, row) => {
        const v = col > 0 ? verdicts[row]?.[col - 1] : null;
        const judged = v === 'better' ? paint(opts.color, 'green', text) : v === 'worse' ? paint(opts.color, 'red', text) : undefined;
        if (col > 0 && best[row] === col - 1) return paint(opts.color, 'bold', judged ?? text);
        if (judged) return judged;
        if (col === 0) return paint(opts.color, 'dim', text);
        if (cells[row]![0] === 'status') return paint(opts.color, statusColor(text.trim()), text);
        // A param that differs from the first run's stands out, as on the HTML page.
        return isParam[row] && col > 1 && cells[row]![col] !== cells[row]![1] ? paint(opts.color, 'yellow', text) : text;
      },
    },
  );
}
