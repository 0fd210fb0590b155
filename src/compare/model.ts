/**
 * A comparison of runs as plain data: the runs side by side, params with the
 * changed ones marked, metric summaries judged better or worse against the
 * first run, series for charts, artifacts and code diffs. Terminal tables,
 * JSON and the HTML page all render this one value.
 */
import type { Direction } from '../query/direction-names.js';
import type { MetricSummary } from '../run/note/metadata.js';
import type { DisplayStatus } from '../run/note/status.js';
import type { ArtifactView } from './artifacts.js';
import type { CodeDiff } from './code.js';
import type { DirectionChoice } from './direction.js';
import type { SeriesColumns } from './series.js';
import type { StderrTail } from './stderr-tail.js';

export const COMPARISON_SCHEMA_VERSION = 1;

export interface RunView {
  id: string;
  name?: string;
  /** How the run is called among these runs (display-names.ts): its name, or the params that set it apart. */
  label: string;
  status: DisplayStatus;
  started?: string;
  ended?: string;
  durationMs?: number;
  exitCode?: number;
  failure?: string;
  command?: string;
  cwd?: string;
  host?: string;
  branch?: string;
  /** The commit the run was recorded on (absent: an empty repository). */
  base?: string;
  tree: string;
  dirty: boolean;
  commit: string;
  tags: string[];
  description?: string;
  /** A failed run's last lines of stderr (on the page; not read for the terminal table). */
  stderrTail?: StderrTail;
}

export interface ParamRow {
  key: string;
  /** Each run's value as text; null where the run lacks the param. */
  values: Array<string | null>;
  changed: boolean;
}

export type Verdict = 'better' | 'worse' | 'same';

export interface MetricRow {
  name: string;
  /** Which way ranks; only a judgement when `directionSource` is not `unknown`. */
  direction: Direction;
  /** `unknown`: neither flags, git config nor the name say (a logged lr): no verdicts, no best. */
  directionSource: DirectionChoice['source'];
  summaries: Array<MetricSummary | null>;
  /** Whether the runs' last values differ, as stored (0.5 and 0.5000001 do; a run without the metric differs from one with it). */
  changed: boolean;
  /** Each run's last value against the first run's (null: the first run, a run without the metric, or a direction unknown). */
  verdicts: Array<Verdict | null>;
  /** The run with the best last value; on a tie the newest; null when fewer than two runs have the metric or its direction is unknown. */
  best: number | null;
}

export interface SeriesSet {
  name: string;
  direction: Direction;
  directionSource: DirectionChoice['source'];
  runs: Array<SeriesColumns | null>;
}

export interface ArtifactRow {
  path: string;
  cells: Array<ArtifactView | null>;
}

export interface DiffEntry {
  /** Index into `runs` of the old side, or null for the run's base commit. */
  fromRun: number | null;
  toRun: number;
  fromLabel: string;
  toLabel: string;
  code: CodeDiff;
}

export interface Comparison {
  schemaVersion: number;
  kind: 'diff' | 'compare';
  generatedAt: string;
  runs: RunView[];
  params: ParamRow[];
  metrics: MetricRow[];
  series: SeriesSet[];
  artifacts: ArtifactRow[];
  diffs: DiffEntry[];
  warnings: string[];
}
