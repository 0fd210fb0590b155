/** The runs side by side: metadata (with failed runs' last lines of stderr), params (changed ones marked) and metric summaries (better and worse coloured). */
import { h, section, type Child } from './dom.js';
import { fmtBytes, fmtDuration, fmtNum, fmtTime, plural } from './format.js';
import { swatch } from './run-style.js';
import type { MetricRow, PageData, RunStyle, RunView } from './types.js';

function headerRow(style: RunStyle, first: string): HTMLTableRowElement {
  return h('tr', null, h('th', { scope: 'col' }, first), ...style.labels.map((l, i) => h('th', { scope: 'col', class: 'run-col' }, swatch(style.colors[i]!), l)));
}

/** Fields whose differences matter enough to highlight (names, ids and times always differ). */
const TELLING = new Set(['status', 'command', 'directory', 'host', 'branch', 'base commit', 'code tree']);

const RUN_FIELDS: Array<[string, (r: RunView) => string | undefined]> = [
  ['name', (r) => r.name],
  ['id', (r) => r.id],
  ['status', (r) => r.status + (r.exitCode !== undefined ? ` (exit ${r.exitCode})` : '') + (r.failure ? `: ${r.failure}` : '')],
  ['started', (r) => fmtTime(r.started)],
  ['duration', (r) => fmtDuration(r.durationMs)],
  ['command', (r) => r.command],
  ['directory', (r) => r.cwd],
  ['host', (r) => r.host],
  ['branch', (r) => r.branch],
  ['base commit', (r) => r.base ?? '(no commits yet)'],
  ['code tree', (r) => r.tree + (r.dirty ? ' (uncommitted changes)' : '')],
  ['tags', (r) => r.tags.join(', ')],
  ['description', (r) => r.description],
];

export function runsSection(data: PageData, style: RunStyle): HTMLElement {
  const rows = RUN_FIELDS.map(([label, get]) => {
    const values = data.runs.map(get);
    if (values.every((v) => !v)) return null;
    const changed = TELLING.has(label) && data.runs.length > 1 && values.some((v) => v !== values[0]);
    return h('tr', { class: changed ? 'changed' : undefined }, h('th', { scope: 'row' }, label), ...values.map((v, i) => h('td', { class: label === 'status' ? `status status-${data.runs[i]!.status}` : undefined }, v ?? '')));
  });
  return section('runs', data.runs.length > 1 ? 'Runs' : 'Run', h('div', { class: 'scroll' }, h('table', { class: 'grid' }, h('thead', null, headerRow(style, '')), h('tbody', null, ...rows))), ...stderrTails(data, style));
}

/** Why each failed run failed, as far as its stderr tells: its last lines, open. */
function stderrTails(data: PageData, style: RunStyle): HTMLElement[] {
  return data.runs.flatMap((r, i) => {
    const t = r.stderrTail;
    if (!t) return [];
    const what = t.earlier ? `last ${plural(t.lines.length, 'line')} of its stderr (${fmtBytes(t.bytes)} in all: tmt show ${r.id.slice(0, 12)} --log stderr prints it)` : 'its stderr';
    const pre = h('pre', null, t.lines.join('\n'));
    // The last line is the one that says why: scrolled into view once the page is laid out.
    requestAnimationFrame(() => (pre.scrollTop = pre.scrollHeight));
    return [h('details', { class: 'stderr-tail', open: true, 'data-run': i }, h('summary', null, swatch(style.colors[i]!), `${style.labels[i]} failed: ${what}`), pre)];
  });
}

export function paramsSection(data: PageData, style: RunStyle): HTMLElement {
  const changed = data.params.filter((p) => p.changed).length;
  if (data.params.length === 0) return section('params', 'Params', h('p', { class: 'dim' }, 'No params recorded.'));
  const table = h(
    'table',
    { class: 'grid params' },
    h('thead', null, headerRow(style, 'param')),
    h('tbody', null, ...data.params.map((p) => h('tr', { class: p.changed ? 'changed' : 'same' }, h('th', { scope: 'row' }, p.key), ...p.values.map((v) => (v === null ? h('td', { class: 'missing' }, '—') : h('td', null, v)))))),
  );
  const only = h('input', { type: 'checkbox', id: 'params-only-changed' });
  only.addEventListener('change', () => table.classList.toggle('only-changed', only.checked));
  const summary = data.runs.length > 1 ? `${plural(data.params.length, 'param')}, ${changed} changed` : plural(data.params.length, 'param');
  const controls = data.runs.length > 1 ? h('label', { class: 'control' }, only, ' only changed') : null;
  return section('params', 'Params', h('p', { class: 'dim' }, summary, ' ', controls), h('div', { class: 'scroll' }, table));
}

export function metricsSection(data: PageData, style: RunStyle): HTMLElement {
  if (data.metrics.length === 0) return section('metrics', 'Metrics', h('p', { class: 'dim' }, 'No metrics recorded.'));
  const rows = data.metrics.map((m) => {
    const how = directionText(m.directionSource, m.direction);
    const cells = m.summaries.map((s, i): Child => {
      if (!s) return h('td', { class: 'missing' }, '—');
      const verdict = m.verdicts[i];
      const best = m.best === i && data.runs.length > 1;
      return h(
        'td',
        { class: `metric ${verdict ?? ''}`.trim(), title: verdict ? `${verdict} than ${style.labels[0]}` : undefined },
        h('span', { class: 'value' }, fmtNum(s.last)),
        best ? h('span', { class: 'best-mark', title: 'best of these runs' }, ' ★') : null,
        // The verdict in words too, for readers who cannot tell the colours apart.
        h('span', { class: 'detail' }, `${verdict && verdict !== 'same' ? `${verdict} · ` : ''}min ${fmtNum(s.min)} · max ${fmtNum(s.max)} · ${plural(s.count, 'point')}`),
      );
    });
    const unknown = m.directionSource === 'unknown';
    return h(
      'tr',
      { class: unknown ? 'neutral' : undefined },
      h('th', { scope: 'row' }, h('span', null, m.name), h('span', { class: 'detail', title: unknown ? howToJudge(m.name) : undefined }, how)),
      ...cells,
    );
  });
  const note = data.runs.length > 1 ? h('p', { class: 'dim' }, 'Last values; ', h('span', { class: 'better' }, 'better'), ' and ', h('span', { class: 'worse' }, 'worse'), ` are against ${style.labels[0]}; ★ marks the best run (the newest of those tied). Metrics whose direction is not known are not judged.`) : null;
  return section('metrics', 'Metrics', note, h('div', { class: 'scroll' }, h('table', { class: 'grid metrics' }, h('thead', null, headerRow(style, 'metric')), h('tbody', null, ...rows))));
}

/** Which way a metric is judged, and who said so; a metric of no known direction is not judged at all. */
export function directionText(source: MetricRow['directionSource'], direction: MetricRow['direction']): string {
  if (source === 'unknown') return 'not judged: direction unknown';
  const arrow = direction === 'max' ? '↑ higher is better' : '↓ lower is better';
  return arrow + (source === 'flag' ? ' (set on the command line)' : source === 'config' ? ' (set in git config)' : '');
}

function howToJudge(name: string): string {
  return `tmt cannot tell from the name "${name}" which way is better: say --higher-is-better or --lower-is-better, or git config tmt.metric.${name}.direction higher|lower`;
}
