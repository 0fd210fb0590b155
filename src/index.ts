/**
 * The library API. Everything the CLI does is available here, returning data:
 * each command's action (src/cli/actions/) calls these and renders the result.
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
export { bestRuns, type BestOptions, type BestPick, type BestResult, type Window } from './query/best.js';
export type { Direction } from './query/direction-names.js';
export { metricDirections, type DirectionChoice, type DirectionFlags } from './compare/direction.js';
export { editRun, type RunEdit } from './run/update/edit.js';
export { recoverRuns, type RecoverOptions, type RecoverResult, type Recovered } from './run/update/recover.js';
// Sharing: open both sides (openSync) or this clone alone (openLocal), then push, fetch or remove.
export { openSync, openLocal, type OpenOptions, type OpenedSync } from './sync/open-sides.js';
export { pushRemote, type PushSummary } from './sync/push.js';
export { fetchRemote, type FetchSummary } from './sync/fetch.js';
export { planHere, planRemoval, removeHere, removeEverywhere, type Removal, type RemoveOptions } from './sync/remove.js';
export type { RunMeta, RunStatus, MetricSummary } from './run/note/metadata.js';
export { compareRuns, type CompareRunsOptions } from './compare/api.js';
export type { Comparison, RunView, ParamRow, MetricRow, SeriesSet, ArtifactRow, DiffEntry } from './compare/model.js';
export { renderPage as renderComparisonPage, type PageOptions } from './html/page.js';
export { rerunRun, type RerunOptions, type RerunResult } from './run/rerun/rerun.js';
export { checkMetrics, type CheckResult, type MetricVerdict, type Tolerance } from './run/rerun/check.js';
// Getting a run's code back: a worktree of its own, a branch, or into the working tree (saved first, undoable).
export { checkoutRun, listCheckouts, removeCheckouts, type CheckoutOptions, type CheckoutResult, type CheckoutEntry, type RemoveCheckoutsOptions } from './run/restore/checkout.js';
export { branchFromRun, type BranchOptions, type BranchResult } from './run/restore/branch.js';
export { applyRun, undoApply, redoApply, listSaves, type ApplyOptions, type ApplyResult, type UndoOptions, type UndoResult, type SaveInfo } from './run/restore/apply.js';
export { getOutputs, type GetOutputsOptions, type GotOutputs, type GotFile } from './run/outputs/get.js';
export type { OutputRequest } from './run/outputs/entries.js';
export { readMetricPoints, type MetricPointsOptions, type MetricPoints } from './query/points.js';
export type { MetricPointRow } from './run/outputs/metric-points.js';
// Sweeps: read a spec, list its trials, see which have run, run the rest, fold the repeats.
export { readSpec, parseSpec, type SweepSpec, type Scalar } from './sweep/spec.js';
export { allTrials, trialAt, trialCount, checkSize, type Trial } from './sweep/trials.js';
export { sweepProgress, type SweepProgress, type TrialProgress, type SweepRun } from './sweep/progress.js';
export { runSweep, type RunSweepOptions, type SweepRunResult } from './sweep/run-sweep.js';
export { summarize as summarizeSweep, type SweepSummary, type SummaryRow } from './sweep/summary.js';
