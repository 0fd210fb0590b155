/**
 * The library API. Everything the CLI does is available here, returning data.
 * The exported names are pinned by test/exports.test.ts.
 */
export { TmtError, isTmtError, type ErrorCode } from './errors.js';
export { openRepo, type Repo } from './git/repo.js';
export { snapshot, type SnapshotOptions, type SnapshotResult, type SkippedFile } from './git/snapshot.js';
export { createRun, type CreateRunOptions, type CreatedRun } from './run/create.js';
export { saveRun, type SaveOptions } from './run/save.js';
export { readRuns, type RunRecord } from './run/read.js';
export type { RunMeta, RunStatus, MetricSummary } from './run/metadata.js';
