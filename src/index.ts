/**
 * The library API. Everything the CLI does is available here, returning data.
 * The exported names are pinned by test/exports.test.ts.
 */
export { TmtError, isTmtError, type ErrorCode } from './errors.js';
export { openRepo, type Repo } from './git/repo.js';
export { snapshot, type SnapshotOptions, type SnapshotResult, type SkippedFile } from './git/snapshot.js';
export { createRun, type CreateRunOptions, type CreatedRun } from './run/record/create.js';
export { saveRun, type SaveOptions } from './run/record/save.js';
export { readRuns, type RunRecord } from './run/read/read.js';
export { startRun, RunSession, type StartRunOptions } from './run/record/start-run.js';
export { recordRun, type RecordOptions, type RecordResult } from './run/record/record.js';
export { selectRun } from './run/read/select.js';
export { showRun, type RunDetails } from './run/read/show.js';
export { listRuns, type ListOptions, type RunRow } from './query/list.js';
export type { RunMeta, RunStatus, MetricSummary } from './run/note/metadata.js';
export { compareRuns, type CompareRunsOptions } from './compare/api.js';
export type { Comparison, RunView, ParamRow, MetricRow, SeriesSet, ArtifactRow, DiffEntry } from './compare/model.js';
export { renderPage as renderComparisonPage, type PageOptions } from './html/page.js';
export { getOutputs, type GetOutputsOptions, type GotOutputs, type GotFile } from './run/outputs/get.js';
export type { OutputRequest } from './run/outputs/entries.js';
export { readMetricPoints, type MetricPointsOptions, type MetricPoints } from './query/points.js';
export type { MetricPointRow } from './run/outputs/metric-points.js';
