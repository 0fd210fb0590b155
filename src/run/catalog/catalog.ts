/**
 * The run catalog: a read view of every run (id, commit, note, queryable
 * columns) as of one state of `refs/tmt/runs/*` and `refs/notes/tmt`. It is a
 * base file, written by a full pass over all notes, plus a small delta of runs
 * changed since; store.ts keeps both up to date. Rows are in run id
 * order, which is time order. Nothing is parsed until asked for: a query that
 * filters on one metric reads that metric's column and nothing else.
 */
import { SectionReader } from './file-format.js';
import { decodeColumn, emptyMetricColumn, METRIC_WIDTH, metricCells, metricColumn, valueCells, type EncodedColumn } from './columns.js';
import { MetaParseError, parseMeta, type RunMeta } from '../note/metadata.js';
import type { RunRecord } from '../read/read.js';

/** A run changed since the base was written. */
export interface DeltaRun {
  commit: string;
  blob: string | null;
  /** The note in YAML the fast reader understands (a note only the full parser reads is re-written). */
  text?: string;
  problem?: string;
}

export interface CatalogState {
  notesTip: string | null;
  /** Fingerprint of the `for-each-ref refs/tmt/runs/` output this state saw. */
  refsDigest: string;
  /** The refs' files as they were when this state was read (see refs-stat.ts); null when not trusted. */
  fingerprint: string | null;
  /** Base file name, or null when every run is in the delta. */
  base: string | null;
  /** By run id; null: a base run that no longer exists. */
  delta: Record<string, DeltaRun | null>;
  /** Refs under refs/tmt/runs/ whose name is not a run id: not runs, left out. */
  ignoredRefs?: string[];
}

export const NO_NOTE = 'no note (metadata missing)';

export class Catalog {
  readonly ids: string[] = [];
  /** Per row: its base row (>= 0), or -(k + 1) for delta run k. */
  private readonly source: number[] = [];
  private readonly deltaRuns: DeltaRun[] = [];
  /** The row of each delta run. */
  private readonly deltaRows: number[] = [];
  private readonly sections = new Map<string, unknown>();
  private readonly metas = new Map<number, RunMeta | undefined>();
  private readonly columns = new Map<string, unknown[]>();
  private deltaCells: Array<{ values: Map<string, unknown>; metrics: Map<string, readonly number[]> }> | undefined;

  constructor(
    readonly state: CatalogState,
    private readonly base: SectionReader | undefined,
  ) {
    const baseIds = base ? this.section<string[]>('ids') : [];
    const deltaIds = Object.keys(state.delta).sort();
    let i = 0;
    let j = 0;
    while (i < baseIds.length || j < deltaIds.length) {
      const b = baseIds[i];
      const d = deltaIds[j];
      if (d === undefined || (b !== undefined && b < d)) {
        this.push(b!, i++);
        continue;
      }
      const run = state.delta[d];
      if (b === d) i++;
      j++;
      if (run) {
        this.deltaRows.push(this.ids.length);
        this.push(d, -this.deltaRuns.push(run));
      }
    }
  }

  private push(id: string, source: number): void {
    this.ids.push(id);
    this.source.push(source);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The base's row count (what the delta is measured against). */
  get baseSize(): number {
    return this.base ? this.section<string[]>('ids').length : 0;
  }

  get deltaSize(): number {
    return Object.keys(this.state.delta).length;
  }

  hasBaseRun(id: string): boolean {
    if (!this.base) return false;
    const ids = this.section<string[]>('ids');
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return ids[lo] === id;
  }

  commit(row: number): string {
    const s = this.source[row]!;
    return s >= 0 ? this.section<string[]>('commits')[s]! : this.deltaRuns[-s - 1]!.commit;
  }

  noteBlob(row: number): string | null {
    const s = this.source[row]!;
    return s >= 0 ? this.section<Array<string | null>>('blobs')[s]! : this.deltaRuns[-s - 1]!.blob;
  }

  /** Why a run has no metadata; undefined when it has. */
  problem(row: number): string | undefined {
    if (this.meta(row)) return undefined;
    const s = this.source[row]!;
    const stored = s < 0 ? this.deltaRuns[-s - 1]!.problem : this.section<Record<string, string>>('problems')[s];
    return stored ?? this.parseProblems.get(row) ?? NO_NOTE;
  }

  /** The run's metadata, parsed on first use. */
  meta(row: number): RunMeta | undefined {
    if (this.metas.has(row)) return this.metas.get(row);
    const s = this.source[row]!;
    let meta: RunMeta | undefined;
    if (s < 0) {
      const d = this.deltaRuns[-s - 1]!;
      meta = d.text === undefined ? undefined : this.parse(row, d.text);
    } else if (!(s in this.section<Record<string, string>>('problems'))) {
      meta = this.parse(row, this.section<Record<string, string>>('slowTexts')[s] ?? this.noteText(s));
    }
    this.metas.set(row, meta);
    return meta;
  }

  private readonly parseProblems = new Map<number, string>();

  private parse(row: number, text: string): RunMeta | undefined {
    try {
      const meta = parseMeta(text);
      if (!meta) this.parseProblems.set(row, 'unreadable note: changed since it was cached');
      return meta;
    } catch (err) {
      if (!(err instanceof MetaParseError)) throw err;
      this.parseProblems.set(row, `unreadable note: ${err.message}`);
      return undefined;
    }
  }

  private noteText(baseRow: number): string {
    const start = this.section<number[]>('noteStarts')[baseRow]!;
    return this.base!.bytes('notes', start, start + this.section<number[]>('noteLengths')[baseRow]!).toString('utf8');
  }

  record(row: number): RunRecord {
    const meta = this.meta(row);
    const blob = this.noteBlob(row);
    const base = { id: this.ids[row]!, commit: this.commit(row), meta, noteBlob: blob };
    return meta ? base : { ...base, problem: this.problem(row) };
  }

  /** Column names present in any run (see columns.ts). */
  columnNames(): string[] {
    const names = new Set<string>();
    for (const n of this.base?.names() ?? []) {
      if (n.startsWith('col:')) names.add(n.slice(4));
      else if (n.startsWith('mcol:')) names.add(metricColumn(n.slice(5)));
    }
    for (const cells of this.cellsOfDelta()) {
      for (const n of cells.values.keys()) names.add(n);
      for (const n of cells.metrics.keys()) names.add(metricColumn(n));
    }
    return [...names];
  }

  /** A value column (builtin or `p:<key>`) for every row, null where a run has none. */
  column(name: string): readonly unknown[] {
    let out = this.columns.get(name);
    if (out) return out;
    const baseSection = `col:${name}`;
    const base = this.base?.has(baseSection) ? decodeColumn(this.section<EncodedColumn>(baseSection), this.baseSize) : undefined;
    const delta = this.deltaRuns.length ? this.cellsOfDelta() : [];
    out = this.source.map((s) => (s >= 0 ? (base?.[s] ?? null) : (delta[-s - 1]!.values.get(name) ?? null)));
    this.columns.set(name, out);
    return out;
  }

  /** A metric's column: METRIC_WIDTH doubles a row (first, last, min, max, count); count NaN where a run lacks it. */
  metricColumn(name: string): Float64Array {
    const section = `mcol:${name}`;
    const base = this.base?.has(section) ? this.base.float64(section) : undefined;
    if (base && this.deltaRuns.length === 0 && this.size === this.baseSize) return base; // rows are the base's rows
    const out = emptyMetricColumn(this.size);
    const delta = this.deltaRuns.length ? this.cellsOfDelta() : [];
    this.source.forEach((s, row) => {
      const cell = s >= 0 ? base?.subarray(s * METRIC_WIDTH, (s + 1) * METRIC_WIDTH) : delta[-s - 1]!.metrics.get(name);
      if (cell) out.set(cell, row * METRIC_WIDTH);
    });
    return out;
  }

  private cellsOfDelta(): Array<{ values: Map<string, unknown>; metrics: Map<string, readonly number[]> }> {
    this.deltaCells ??= this.deltaRows.map((row) => {
      const meta = this.meta(row);
      return { values: meta ? valueCells(meta) : new Map<string, unknown>(), metrics: meta ? metricCells(meta) : new Map<string, readonly number[]>() };
    });
    return this.deltaCells;
  }

  private section<T>(name: string): T {
    if (!this.sections.has(name)) this.sections.set(name, this.base!.json<T>(name));
    return this.sections.get(name) as T;
  }

  /** A catalog for a newer state on the same base file (which it takes over). */
  withState(state: CatalogState): Catalog {
    return new Catalog(state, this.base);
  }

  close(): void {
    this.base?.close();
  }
}
