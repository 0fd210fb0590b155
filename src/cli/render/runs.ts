import { mainMetrics, type RunRow } from '../../query/list.js';
import { formatDuration, formatTime, formatValue, paint, statusColor } from './format.js';
import { renderTable, type Column } from './table.js';
import { paramLabels } from '../../compare/display-names.js';
import type { Text } from '../terminal-text.js';

/** The `tmt list` table: short id, name, status, started, duration, main metrics. */
export function renderRunTable(rows: readonly RunRow[], opts: { width?: number; color: boolean }): Text {
  if (rows.length === 0) return 'no runs\n';
  const metrics = mainMetrics(rows);
  // A run without a name by the params that set it apart from the others listed; the ID column says the rest.
  const names = paramLabels(rows);
  const columns: Column[] = [
    { header: 'ID' },
    { header: 'NAME', priority: 1 },
    { header: 'STATUS' },
    // Metrics are what a narrow terminal keeps longest, the most common first; times go first.
    { header: 'STARTED', priority: 3 + metrics.length, minWidth: 16 }, // a time cut short loses its minutes: dropped, not cut
    { header: 'DURATION', align: 'right', priority: 4 + metrics.length },
    ...metrics.map((m, i) => ({ header: m, align: 'right' as const, priority: 2 + i })),
  ];
  const cells = rows.map((r) => [
    r.shortId,
    r.name ?? names.get(r.id) ?? '',
    r.status,
    formatTime(r.started),
    formatDuration(r.durationMs),
    ...metrics.map((m) => formatValue(Object.hasOwn(r.metrics, m) ? r.metrics[m] : undefined)),
  ]);
  return renderTable(columns, cells, {
    width: opts.width,
    color: opts.color,
    paintCell: (col, text, row) =>
      col === 2 ? paint(opts.color, statusColor(text.trim()), text) : col === 0 ? paint(opts.color, 'yellow', text) : col === 1 && rows[row]!.name === undefined ? paint(opts.color, 'dim', text) : text,
  });
}
