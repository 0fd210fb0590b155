/**
 * `tmt ui` in the browser: the runs table (filter, quick search, sort,
 * select), charts of the selected runs, one run's details, and live updates.
 * Data comes from the server's JSON API and is put on the page as text nodes
 * (see html/client/dom.ts), never as markup. The table draws only the rows in
 * view, so 100,000 runs scroll as 40 do.
 */
import { drawChart } from '../../html/client/chart.js';
import { append, h } from '../../html/client/dom.js';
import { fmtNum, fmtTime } from '../../html/client/format.js';
import type { UiRow, UiRuns, UiSeries } from '../api.js';
import type { RunDetails } from '../../run/read/show.js';
import type { ReportData } from '../report.js';
import { createViews } from './views.js';

const ROW_HEIGHT = 25;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
/** How often the server is asked whether anything changed. */
const POLL_MS = 400;

interface Column {
  key: string;
  label: string;
  value(r: UiRow): string | number | null;
  num?: boolean;
  /** Shown unless the column chooser says otherwise. */
  shown: boolean;
}

const state = {
  rows: [] as UiRow[],
  shown: [] as UiRow[],
  where: '',
  search: '',
  sort: { key: 'started', descending: true },
  selected: new Set<string>(),
  current: undefined as string | undefined,
  columns: [] as Column[],
  /** The repository's state the page shows: its runs, and the points running runs have logged. */
  stamp: '',
  runsStamp: '',
  pointsStamp: '',
};

/** In a report (tmt report), the answers the server would give, saved in the page. */
const report = readReport();

function readReport(): ReportData | undefined {
  const block = document.getElementById('tmt-report-data');
  return block ? (JSON.parse(block.textContent ?? '{}') as ReportData) : undefined;
}

const app = document.getElementById('app')!;
const summary = document.getElementById('summary')!;
const whereInput = h('input', { type: 'text', id: 'where', title: "a filter expression, as tmt list --where takes it: status = finished and metrics.acc > 0.9" });
const searchInput = h('input', { type: 'text', id: 'search', title: 'name, id or tag contains' });
const whereError = h('pre', { class: 'where-error', id: 'where-error' });
const scroller = h('div', { class: 'runs', id: 'runs' });
const chooser = h('details', { id: 'columns' });
const chartsBox = h('section', { class: 'block', id: 'charts' });
const detailBox = h('section', { class: 'block', id: 'detail' });
const views = createViews(get);
whereInput.placeholder = 'filter: status = finished and metrics.acc > 0.9';
// A report has no server to filter with: its runs are the ones it was saved with.
if (report) whereInput.disabled = true;
if (report) whereInput.placeholder = 'filters need tmt ui; search works';
searchInput.placeholder = 'search name, id, tag';
append(app, [
  h('div', { class: 'bar' }, h('label', { class: 'control' }, 'where ', whereInput), h('label', { class: 'control' }, 'search ', searchInput), views.control, compareLink()),
  whereError,
  chooser,
  scroller,
  views.element,
  h('div', { class: 'panels' }, chartsBox, detailBox),
  views.sweepElement,
]);

function fromReport(r: ReportData, path: string): unknown {
  const url = new URL(path, 'http://report.invalid');
  const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
  switch (url.pathname) {
    case '/api/stamp':
      return { runs: `report ${r.generatedAt}`, points: '' };
    case '/api/runs':
      return { schemaVersion: 1, rows: r.rows };
    case '/api/series':
      return { schemaVersion: 1, runs: r.series.filter((s) => ids.includes(s.id)), directions: r.directions };
    case '/api/run': {
      const d = r.details[url.searchParams.get('id') ?? ''];
      if (!d) throw new Error('this report holds no details of that run');
      return d;
    }
    default:
      throw new Error(`not in a report: ${url.pathname}`);
  }
}

/** The server cannot be reached (it was stopped): live updates pause quietly. */
class ServerGone extends Error {}

async function get<T>(path: string): Promise<T> {
  if (report) return fromReport(report, path) as T;
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch (err) {
    throw new ServerGone(err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Answers can arrive out of order (a slow filter, then a quick one): only the newest request's is drawn. */
let runsAsked = 0;

async function loadRuns(): Promise<void> {
  const mine = ++runsAsked;
  const data = await get<UiRuns>(`/api/runs?where=${encodeURIComponent(state.where)}`);
  if (mine !== runsAsked) return;
  whereError.textContent = data.error ? data.error.join('\n') : '';
  state.rows = data.rows;
  allColumns = columnsFor(state.rows);
  state.columns = visible();
  drawChooser();
  refresh();
}

/** Label, status, started, duration, the params that vary across the runs, then the metrics. */
function columnsFor(rows: readonly UiRow[]): Column[] {
  const params = new Map<string, Set<string>>();
  const metrics = new Set<string>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.params)) {
      if (v !== null && typeof v === 'object') continue;
      let seen = params.get(k);
      if (!seen) params.set(k, (seen = new Set()));
      if (seen.size < 2) seen.add(String(v));
    }
    for (const k of Object.keys(r.metrics)) metrics.add(k);
  }
  const varying = new Set([...params].filter(([k, seen]) => seen.size > 1 || rows.some((r) => !Object.hasOwn(r.params, k))).map(([k]) => k));
  return [
    { key: 'label', label: 'run', value: (r) => r.name ?? r.id.slice(0, 12), shown: true },
    { key: 'id', label: 'id', value: (r) => r.id, shown: false },
    { key: 'status', label: 'status', value: (r) => r.status, shown: true },
    { key: 'started', label: 'started', value: (r) => r.started, shown: true },
    { key: 'duration', label: 'duration', value: (r) => (r.durationMs === null ? null : r.durationMs / 1000), num: true, shown: true },
    { key: 'tags', label: 'tags', value: (r) => r.tags.join(', ') || null, shown: false },
    { key: 'sweep', label: 'sweep', value: (r) => (r.sweep ? `${r.sweep.name} #${r.sweep.index}` : null), shown: false },
    ...[...params.keys()].map((k, i): Column => ({ key: `params.${k}`, label: k, value: (r) => scalar(Object.hasOwn(r.params, k) ? r.params[k] : undefined), num: true, shown: varying.has(k) && i < 40 })),
    ...[...metrics].map((k, i): Column => ({ key: `metrics.${k}`, label: k, value: (r) => (Object.hasOwn(r.metrics, k) ? r.metrics[k]! : null), num: true, shown: i < 12 })),
  ];
}

/** Which columns the table shows: the defaults, then what the chooser changed. */
const chosen = new Map<string, boolean>();
let allColumns: Column[] = [];

function visible(): Column[] {
  return allColumns.filter((c) => chosen.get(c.key) ?? c.shown);
}

function drawChooser(): void {
  const boxes = allColumns.slice(0, 400).map((c) => {
    const box = h('input', { type: 'checkbox', checked: chosen.get(c.key) ?? c.shown, 'data-key': c.key });
    box.addEventListener('change', () => {
      chosen.set(c.key, box.checked);
      state.columns = visible();
      refresh();
    });
    return h('label', { class: 'control' }, box, c.key.startsWith('metrics.') || c.key.startsWith('params.') ? c.key : c.label);
  });
  const open = chooser.open;
  chooser.replaceChildren(h('summary', null, 'columns'), h('div', { class: 'bar' }, ...boxes));
  chooser.open = open;
}

function scalar(v: unknown): string | number | null {
  return v === undefined || v === null ? null : typeof v === 'number' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function refresh(): void {
  const q = state.search.trim().toLowerCase();
  const shown = q ? state.rows.filter((r) => r.id.includes(q) || (r.name ?? '').toLowerCase().includes(q) || r.tags.some((t) => t.toLowerCase().includes(q))) : [...state.rows];
  const col = state.columns.find((c) => c.key === state.sort.key);
  if (col) {
    const dir = state.sort.descending ? -1 : 1;
    // Missing values last either way, as tmt list --sort puts them.
    shown.sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      return va === null || vb === null ? (va === null ? 1 : 0) - (vb === null ? 1 : 0) : dir * compare(va, vb);
    });
  }
  state.shown = shown;
  showSummary();
  drawTable();
  views.update(state.rows, state.shown, state.selected, state.stamp);
}

function showSummary(): void {
  const counts = `${state.shown.length} of ${state.rows.length} runs${state.selected.size ? `, ${state.selected.size} selected` : ''}`;
  const saved = report ? `; saved ${fmtTime(report.generatedAt)}${report.where ? ` from --where ${report.where}` : ''}${report.leftOut ? ` (${report.leftOut} older matching runs left out)` : ''}` : '';
  summary.textContent = counts + saved;
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The rows in view and a spacer above and below: the DOM holds a screenful whatever the count. */
const table = h('table', { id: 'runs-table' });
let headKey = '';
/** The rows drawn last: a scroll that stays within them redraws nothing. */
let drawn = { first: -1, last: -1, shown: [] as readonly UiRow[], current: undefined as string | undefined };

function drawTable(): void {
  const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - 10);
  const count = Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 20;
  const last = Math.min(state.shown.length, first + count);
  // The header only when the columns or the order changed: scrolling redraws rows alone.
  const key = JSON.stringify([state.columns.map((c) => c.key), state.sort]);
  if (key !== headKey) {
    headKey = key;
    drawn.first = -1;
    table.replaceChildren(h('thead', null, headRow()), h('tbody'));
  }
  if (drawn.first === first && drawn.last === last && drawn.shown === state.shown && drawn.current === state.current) return;
  drawn = { first, last, shown: state.shown, current: state.current };
  const cols = state.columns.length + 1;
  const rows: HTMLTableRowElement[] = [];
  if (first > 0) rows.push(h('tr', { 'aria-hidden': 'true' }, spacer(first * ROW_HEIGHT, cols)));
  for (const r of state.shown.slice(first, last)) rows.push(rowFor(r));
  if (last < state.shown.length) rows.push(h('tr', { 'aria-hidden': 'true' }, spacer((state.shown.length - last) * ROW_HEIGHT, cols)));
  table.tBodies[0]!.replaceChildren(...rows);
  if (!table.isConnected) scroller.replaceChildren(table);
}

function headRow(): HTMLTableRowElement {
  return h('tr', null, h('th', null, ''), ...state.columns.map((c) => {
    const th = h('th', { 'data-key': c.key, title: `sort by ${c.label}` }, c.label, state.sort.key === c.key ? (state.sort.descending ? ' ▼' : ' ▲') : '');
    th.addEventListener('click', () => {
      state.sort = { key: c.key, descending: state.sort.key === c.key ? !state.sort.descending : c.key === 'started' };
      refresh();
    });
    return th;
  }));
}

function spacer(height: number, cols: number): HTMLTableCellElement {
  const td = h('td', { colspan: cols });
  td.style.height = `${height}px`;
  td.style.padding = '0';
  return td;
}

function rowFor(r: UiRow): HTMLTableRowElement {
  const box = h('input', { type: 'checkbox', checked: state.selected.has(r.id), title: 'chart this run' });
  box.addEventListener('click', (e) => e.stopPropagation());
  box.addEventListener('change', () => {
    if (box.checked) state.selected.add(r.id);
    else state.selected.delete(r.id);
    showSummary();
    void drawCharts();
    views.update(state.rows, state.shown, state.selected, state.stamp);
  });
  const tr = h('tr', { 'data-id': r.id, class: r.id === state.current ? 'current' : undefined }, h('td', null, box), ...state.columns.map((c) => cell(c, r)));
  tr.addEventListener('click', () => void showDetail(r.id));
  return tr;
}

function cell(c: Column, r: UiRow): HTMLTableCellElement {
  const v = c.value(r);
  if (c.key === 'status') return h('td', { class: `status-${r.status}` }, r.status);
  if (c.key === 'started') return h('td', null, r.started ? fmtTime(r.started) : '');
  return h('td', { class: c.num && typeof v === 'number' ? 'num' : undefined }, v === null ? '' : typeof v === 'number' ? fmtNum(v) : v);
}

/** The chart controls, kept across redraws (live updates redraw the charts every time a point arrives). */
const chartView = { smoothing: 0, logY: false };
let lastSeries: UiSeries | undefined;

async function drawCharts(): Promise<void> {
  const ids = [...state.selected];
  if (ids.length === 0) return void chartsBox.replaceChildren(h('h2', null, 'Charts'), h('p', { class: 'dim' }, 'Select runs in the table to chart them.'));
  lastSeries = await get<UiSeries>(`/api/series?ids=${ids.map(encodeURIComponent).join(',')}`);
  // Runs deleted meanwhile are no longer selected.
  const here = new Set(lastSeries.runs.map((r) => r.id));
  for (const id of ids.slice(0, MAX_CHARTED)) if (!here.has(id)) state.selected.delete(id);
  renderCharts(lastSeries);
}

/** The server charts at most this many runs at once (its /api/series limit). */
const MAX_CHARTED = 50;

function renderCharts(data: UiSeries): void {
  const names = [...new Set(data.runs.flatMap((r) => Object.keys(r.metrics)))].slice(0, 24);
  const labels = data.runs.map((r) => state.rows.find((x) => x.id === r.id)?.name ?? r.id.slice(0, 12));
  const style = { labels, colors: data.runs.map((_, i) => PALETTE[i % PALETTE.length]!) };
  const width = Math.max(300, chartsBox.clientWidth - 20);
  const cards = names.map((name) => {
    const dir = data.directions[name];
    const set = { name, direction: dir?.direction ?? 'max', directionSource: dir?.source ?? 'unknown', runs: data.runs.map((r) => r.metrics[name] ?? null) };
    return h('figure', { class: 'chart-card', 'data-metric': name }, h('figcaption', null, name), drawChart(set, style, { ...chartView, width }));
  });
  const capped = state.selected.size > MAX_CHARTED ? h('p', { class: 'dim' }, `Charting the first ${MAX_CHARTED} of ${state.selected.size} selected runs.`) : null;
  chartsBox.replaceChildren(h('h2', null, 'Charts'), chartControls(), capped ?? '', legend(labels, style.colors), h('div', { class: 'charts' }, ...cards));
}

/** Smoothing (a debiased moving average, the raw series faint behind it) and a log scale, as on the comparison page. */
function chartControls(): HTMLElement {
  const smooth = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.99, step: 0.01, value: chartView.smoothing });
  const shown = h('span', { class: 'dim' }, chartView.smoothing.toFixed(2));
  smooth.addEventListener('input', () => {
    chartView.smoothing = Number(smooth.value);
    shown.textContent = chartView.smoothing.toFixed(2);
  });
  smooth.addEventListener('change', () => {
    chartView.smoothing = Number(smooth.value);
    if (lastSeries) renderCharts(lastSeries);
  });
  const log = h('input', { type: 'checkbox', id: 'log-y', checked: chartView.logY });
  log.addEventListener('change', () => {
    chartView.logY = log.checked;
    if (lastSeries) renderCharts(lastSeries);
  });
  return h('div', { class: 'controls' }, h('label', { class: 'control' }, 'smoothing ', smooth, shown), h('label', { class: 'control' }, log, ' log scale'));
}

function legend(labels: readonly string[], colors: readonly string[]): HTMLElement {
  return h('p', { class: 'legend' }, ...labels.map((l, i) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = colors[i]!;
    return h('span', null, sw, l);
  }));
}

async function showDetail(id: string): Promise<void> {
  state.current = id;
  drawTable();
  let d: RunDetails;
  try {
    d = await get<RunDetails>(`/api/run?id=${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ServerGone || !/^404 /.test(err instanceof Error ? err.message : '')) throw err;
    // Deleted meanwhile (tmt rm): the panel says so, and live updates stop asking for it.
    state.current = undefined;
    return void detailBox.replaceChildren(h('h2', null, 'Run'), h('p', { class: 'dim' }, `Run ${id.slice(0, 12)} is not in the repository any more.`));
  }
  const m = d.meta;
  const kv = (k: string, v: string | undefined) => (v ? h('tr', null, h('th', null, k), h('td', null, v)) : null);
  // A failed run's traceback first.
  const streams = d.status === 'failed' ? (['stderr', 'stdout'] as const) : (['stdout', 'stderr'] as const);
  const logs = streams.map((stream) => h('div', null, h('h3', null, `${stream} (last lines of ${d.logs[stream].lines})`), h('pre', { class: 'log', 'data-stream': stream }, d.logs[stream].tail.join('\n') || '(empty)')));
  detailBox.replaceChildren(
    h('h2', null, `Run ${m.name ?? id.slice(0, 12)}`),
    h('table', { class: 'kv', id: 'detail-fields' },
      kv('id', id),
      kv('status', `${d.status}${m.exitCode !== undefined ? ` (exit ${m.exitCode})` : ''}${m.failure ? `: ${m.failure}` : ''}`),
      kv('started', m.started),
      kv('command', m.command?.argv.join(' ')),
      kv('tags', m.tags.join(', ')),
      kv('description', m.description),
      kv('sweep', m.sweep ? `${m.sweep.name}, trial ${m.sweep.index} (repeat ${m.sweep.repeat})` : undefined),
      kv('tree', m.git.tree),
    ),
    h('h3', null, 'params'),
    h('table', { class: 'kv' }, ...Object.entries(m.params).map(([k, v]) => kv(k, typeof v === 'object' ? JSON.stringify(v) : String(v)))),
    h('h3', null, 'metrics (last)'),
    h('table', { class: 'kv' }, ...Object.entries(m.metrics).map(([k, s]) => kv(k, fmtNum(s.last)))),
    h('h3', null, 'artifacts'),
    h('ul', { id: 'artifacts' }, ...d.artifacts.map((a) => h('li', null, `${a.path} (${a.size} bytes${lfsNote(id, a)})`, image(id, a)))),
    ...logs,
    h('h3', null, 'code changes against its base commit ', codeLink(id)),
    h('pre', { class: 'log', 'data-stream': 'diffstat' }, d.diffStat || '(none: the run ran committed code)'),
  );
}

/** Where an LFS artifact is: its content is here, or `tmt get` downloads it (an image is then not shown). */
function lfsNote(id: string, a: { path: string; lfs?: { here: boolean } }): string {
  if (!a.lfs) return '';
  return a.lfs.here ? ', git LFS' : `, git LFS, not downloaded here: tmt get ${id.slice(0, 12)} ${/^[\w./-]+$/.test(a.path) ? a.path : `'${a.path.replace(/'/g, `'\\''`)}'`}`;
}

/** An image artifact shown inline: the server's bytes (its policy allows images from itself), or a report's saved data: URI. */
function image(id: string, a: { path: string; size: number; lfs?: { here: boolean } }): HTMLElement | null {
  if (!/\.(png|jpe?g|gif|webp)$/i.test(a.path) || a.size > 8 << 20 || a.lfs?.here === false) return null;
  const src = report ? report.images?.[`${id}/${a.path}`] : `/api/image?id=${encodeURIComponent(id)}&name=${encodeURIComponent(a.path)}`;
  if (!src) return null;
  const img = document.createElement('img');
  img.alt = a.path;
  img.loading = 'lazy';
  img.className = 'artifact-image';
  img.src = src;
  return h('div', null, img);
}

/** The run's whole code diff against its base commit: the comparison page of this one run. */
function codeLink(id: string): HTMLElement | null {
  if (report) return null;
  const a = document.createElement('a');
  a.className = 'button';
  a.target = '_blank';
  a.href = `/compare?ids=${encodeURIComponent(id)}`;
  a.textContent = '(the diff)';
  return a;
}

function compareLink(): HTMLElement {
  const a = document.createElement('a');
  a.className = 'button';
  a.id = 'compare';
  a.textContent = 'compare selected';
  a.target = '_blank';
  if (report) a.hidden = true;
  a.addEventListener('click', (e) => {
    if (state.selected.size === 0) return void e.preventDefault();
    a.href = `/compare?ids=${[...state.selected].map(encodeURIComponent).join(',')}`;
  });
  return a;
}

let typing: ReturnType<typeof setTimeout> | undefined;
whereInput.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    state.where = whereInput.value;
    void loadRuns();
  }, 250);
});
searchInput.addEventListener('input', () => {
  state.search = searchInput.value;
  refresh();
});
scroller.addEventListener('scroll', () => requestAnimationFrame(drawTable));

/**
 * Live: a run started, ended, was edited or fetched: the table and the open
 * views are read again. Only a point logged: only the charts (the table of
 * 100,000 runs is not fetched again for that).
 */
async function poll(): Promise<void> {
  try {
    const now = await get<{ runs: string; points: string }>('/api/stamp');
    const runsChanged = now.runs !== state.runsStamp;
    if (runsChanged || now.points !== state.pointsStamp) {
      const first = state.stamp === '';
      state.runsStamp = now.runs;
      state.pointsStamp = now.points;
      state.stamp = `${now.runs} ${now.points}`;
      if (runsChanged) await loadRuns();
      else views.update(state.rows, state.shown, state.selected, state.stamp);
      // For tests and scripts: the table is drawn, from this state of the repository.
      document.documentElement.dataset.ready = '1';
      document.documentElement.dataset.stamp = state.stamp;
      if (!first && state.selected.size) await drawCharts();
      if (!first && state.current && (runsChanged || state.rows.find((r) => r.id === state.current)?.status === 'running')) await showDetail(state.current);
    }
  } catch (err) {
    // The server went away (tmt ui stopped): keep what is shown. Anything else is a fault to show, not to hide.
    if (!(err instanceof ServerGone)) {
      summary.textContent = `tmt ui: ${err instanceof Error ? err.message : String(err)}`;
      console.error(err);
    }
  }
  if (!report) setTimeout(() => void poll(), POLL_MS);
}

void drawCharts();
void poll();
