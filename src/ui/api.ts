/**
 * What `tmt ui` serves, as data: every run's row for the table, one run's
 * details, the points of the selected runs (a running run's from its metrics
 * file as it grows), and a stamp that changes whenever any of that may have.
 * Everything is read from git and tmt's own files; nothing here writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';
import { NOTES_REF, runDirsRoot, RUNS_PREFIX } from '../git/layout.js';
import { refsStamp } from '../git/refs-stat.js';
import type { Repo } from '../git/repo.js';
import { selectRuns } from '../query/list.js';
import { partialRuns } from '../query/query-run.js';
import type { Catalog } from '../run/catalog/catalog.js';
import { withCatalog } from '../run/read/read.js';
import { showRun, type RunDetails } from '../run/read/show.js';
import { readPoints } from '../run/outputs/metric-points.js';
import { parseMetrics, type MetricPoint } from '../run/record/metrics.js';
import { thin, type SeriesColumns } from '../compare/series.js';
import { metricDirections, type DirectionChoice } from '../compare/direction.js';
import { runDir } from '../run/record/run-dir.js';
import { getCommand, requestedFiles } from '../run/outputs/entries.js';
import { copyObjectTo, lfsSettings } from '../git/lfs.js';
import { streamBlobs } from '../git/blob-stream.js';
import { RUN_ID_PATTERN } from '../run/note/id.js';

export const UI_SCHEMA_VERSION = 1;

export interface UiRow {
  id: string;
  name: string | null;
  status: string;
  started: string | null;
  durationMs: number | null;
  tags: string[];
  params: Record<string, unknown>;
  /** Last value of each metric. */
  metrics: Record<string, number>;
  sweep: { name: string; index: number; repeat: number } | null;
}

export interface UiRuns {
  schemaVersion: number;
  rows: UiRow[];
  /** Why the filter could not be read: its lines as the terminal shows them (the message, the filter, a caret). */
  error?: string[];
}

/** The table's columns from the catalog: a row is built from them, no note is parsed. */
const ROW_COLUMNS = ['name', 'tags', 'started', 'durationMs', 'sweep'];

/**
 * Every run's row, built once per state of the repository (`stamp`) from the
 * catalog's columns, and the JSON of all of them: at 100,000 runs a table
 * must not parse 100,000 notes on every request.
 */
let cached: { key: string; rows: UiRow[]; json?: string } | undefined;

/** Every run the filter matches, newest first; a bad filter is an answer (`error`), not a failure. */
export async function uiRuns(repo: Repo, where: string | undefined, nowMs = Date.now()): Promise<UiRuns> {
  return JSON.parse(await uiRunsJson(repo, where, nowMs)) as UiRuns;
}

/** The same as JSON text, which the server sends as it is (the unfiltered answer is cached with the rows). */
export async function uiRunsJson(repo: Repo, where: string | undefined, nowMs = Date.now()): Promise<string> {
  const key = `${repo.commonDir}\0${uiStamp(repo).runs}`;
  try {
    return await withCatalog(repo, (catalog) => {
      if (cached?.key !== key) cached = { key, ...allRows(catalog) };
      const all = cached;
      if (!where) return (all.json ??= JSON.stringify({ schemaVersion: UI_SCHEMA_VERSION, rows: [...all.rows].reverse() }));
      // The filter reads only the columns it names; the rows come from the cache.
      const picked = selectRuns(catalog, { where, nowMs });
      return JSON.stringify({ schemaVersion: UI_SCHEMA_VERSION, rows: picked.rows.map((row) => all.rows[row]!) });
    });
  } catch (err) {
    if (err instanceof TmtError && err.code === 'BAD_ARGUMENT') return JSON.stringify({ schemaVersion: UI_SCHEMA_VERSION, rows: [], error: err.message.split('\n') });
    throw err;
  }
}

function allRows(catalog: Catalog): { rows: UiRow[] } {
  const columns = new Set([...ROW_COLUMNS, ...catalog.columnNames().filter((c) => c.startsWith('p:') || c.startsWith('m:'))]);
  const runs = partialRuns(catalog, columns);
  const rows = runs.map((r): UiRow => {
    // No prototypes: a metric or param may be called __proto__ or constructor.
    const metrics: Record<string, number> = Object.create(null);
    for (const k in r.metrics) metrics[k] = r.metrics[k]!.last;
    const params: Record<string, unknown> = Object.create(null);
    for (const k in r.params) params[k] = r.params[k];
    return { id: r.id, name: r.name ?? null, status: r.status, started: r.started ?? null, durationMs: r.durationMs ?? null, tags: r.tags, params, metrics, sweep: r.sweep ?? null };
  });
  return { rows };
}

/** One run's details, as `tmt show` gathers them (log tails included). */
export async function uiRun(repo: Repo, id: string): Promise<RunDetails> {
  if (!RUN_ID_PATTERN.test(id)) throw new TmtError('NOT_FOUND', 'no such run', { hint: 'pick a run from the table' });
  return showRun({ repo, selector: id, tailLines: 40 });
}

export interface UiSeries {
  schemaVersion: number;
  /** Per run (in the order asked), per metric: its points, thinned for drawing as the comparison page thins them. */
  runs: Array<{ id: string; metrics: Record<string, SeriesColumns> }>;
  /** Which way each metric is better, and why (git config, the name; `unknown`: not judged), as the comparison page decides it. */
  directions: Record<string, DirectionChoice>;
}

/** Points a chart line keeps of a long series (the page's own limit). */
const MAX_POINTS = 2000;

/** The logged points of these runs: a finished run's from its outputs, a running one's from its metrics file as it is now. */
export async function uiSeries(repo: Repo, ids: readonly string[]): Promise<UiSeries> {
  const records = await withCatalog(repo, (catalog) => {
    const rowOf = new Map(catalog.ids.map((id, row) => [id, row]));
    return ids.flatMap((id) => (rowOf.has(id) ? [catalog.record(rowOf.get(id)!)] : []));
  });
  const out: UiSeries['runs'] = [];
  for (const r of records) {
    const points: Record<string, MetricPoint[]> = Object.create(null);
    const live = r.meta?.status === 'running' ? liveMetrics(repo, r.id) : undefined;
    if (live) Object.assign(points, live.series);
    else if (r.meta) for (const p of await readPoints(repo, [r])) (points[p.name] ??= []).push({ step: p.step, value: p.value });
    const metrics: Record<string, SeriesColumns> = Object.create(null);
    for (const [name, list] of Object.entries(points)) metrics[name] = thin(list, MAX_POINTS);
    out.push({ id: r.id, metrics });
  }
  const names = [...new Set(out.flatMap((r) => Object.keys(r.metrics)))];
  const { directions } = await metricDirections(repo, names, { higher: [], lower: [] });
  return { schemaVersion: UI_SCHEMA_VERSION, runs: out, directions: Object.fromEntries(directions) };
}

/** A running run's metrics file as it is now (bounded: a run's file is read whole, as finishing it would). */
function liveMetrics(repo: Repo, id: string): ReturnType<typeof parseMetrics> | undefined {
  try {
    return parseMetrics(fs.readFileSync(runDir(repo, id).metrics, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Image artifacts a page shows inline, by extension, with the type they are served as. SVG is left out: it can carry script. */
export const INLINE_IMAGES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
/** Larger images are listed, not inlined. */
export const MAX_INLINE_IMAGE = 8 << 20;

export function imageType(name: string): string | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext && Object.hasOwn(INLINE_IMAGES, ext) ? INLINE_IMAGES[ext] : undefined;
}

/** One image artifact's bytes and type; a name that is not an image of at most MAX_INLINE_IMAGE bytes is NOT_FOUND. */
export async function uiImage(repo: Repo, id: string, name: string): Promise<{ type: string; bytes: Buffer }> {
  const type = imageType(name);
  const record = RUN_ID_PATTERN.test(id) ? await withCatalog(repo, (c) => { const row = c.ids.indexOf(id); return row < 0 ? undefined : c.record(row); }) : undefined;
  const outputs = record?.meta?.outputs;
  if (!type || !outputs) throw new TmtError('NOT_FOUND', 'no such image', { hint: 'images are png, jpeg, gif or webp artifacts' });
  const { files } = await requestedFiles(repo, outputs, { artifacts: [name] }, { label: id, selector: id });
  const file = files.length === 1 ? files[0]! : undefined;
  if (!file || file.name !== name || !file.mode.startsWith('100') || file.size > MAX_INLINE_IMAGE) throw new TmtError('NOT_FOUND', 'no such image', { hint: `images of at most ${MAX_INLINE_IMAGE >> 20} MiB are shown` });
  if (file.lfs && !file.lfs.here) throw new TmtError('NOT_FOUND', `the image is in git LFS and not downloaded here: ${getCommand(id, name)}`, { hint: 'tmt get downloads it' });
  const chunks: Buffer[] = [];
  if (file.lfs) await copyObjectTo((await lfsSettings(repo)).objectsDir, file.lfs, (c) => void chunks.push(c));
  else await streamBlobs(repo, [file.oid], { begin: () => undefined, data: (c) => void chunks.push(c), end: () => undefined });
  return { type, bytes: Buffer.concat(chunks) };
}

/**
 * Changes whenever a run starts, ends or is edited, fetched, recorded by
 * another process (`runs`: the run refs and the notes ref), or a running run
 * logs a point (`points`: the size of every running run's metrics file).
 * File system only, so polling it several times a second costs no git process.
 */
export function uiStamp(repo: Repo): { runs: string; points: string } {
  const sizes: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(runDirsRoot(repo)).sort();
  } catch {
    // no run has ever run here
  }
  for (const name of names) {
    let size = '-';
    try {
      size = String(fs.statSync(path.join(runDirsRoot(repo), name, 'metrics.jsonl')).size);
    } catch {
      // not a run's directory (a stray file), or no metrics yet
    }
    sizes.push(`${name}:${size}`);
  }
  return { runs: refsStamp(repo, [RUNS_PREFIX.slice(0, -1)], [NOTES_REF]), points: sizes.join(' ') };
}
