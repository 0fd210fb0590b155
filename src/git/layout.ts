/**
 * tmt's on-disk layout. Everything lives in git's own storage; nothing here is
 * a private database, and plain git can read all of it.
 *
 * refs/tmt/runs/<run-id>     One ref per run, pointing at the run commit.
 *   run commit               tree   = the code snapshot (exactly what
 *                                     `git add -A && git write-tree` gives on a
 *                                     copy of the index, minus .tmtignore and
 *                                     files over the size cap)
 *                            parent 1 = HEAD at record time (none in an empty repo)
 *                            parent 2 = the outputs commit, once the run has outputs
 *                            message = "tmt run <run-id>"
 *   outputs commit           A parentless commit whose tree holds what the run
 *                            produced: logs/stdout, logs/stderr, metrics.jsonl,
 *                            artifacts/<path>. Being a parent of the run commit
 *                            makes it reachable from the run ref, so `git gc`
 *                            keeps it and pushing refs/tmt/* carries it, while
 *                            the run commit's own tree stays pure code.
 *                            Adding outputs rewrites the run commit (same tree,
 *                            new second parent) and moves its note along.
 *
 * refs/notes/tmt             Notes ref. The note on a run commit is a YAML blob
 *                            with the run's metadata (schemaVersion, name, params,
 *                            metric summaries, status, timings, ...). Written by
 *                            `git notes` itself, so the tree fans out exactly as
 *                            git fans it out; read with `git notes --ref=tmt show`.
 * refs/notes/tmt-work/<uniq> Short-lived scratch notes refs, one per writer, used
 *                            to build a notes commit before it is swapped into
 *                            refs/notes/tmt with compare-and-swap. Removed in the
 *                            same transaction; stale ones are safe to delete.
 *
 * <common-dir>/tmt/catalog/  The run catalog (src/run/catalog-store.ts): a cache of
 *                            every run's note and queryable columns, shared by all
 *                            worktrees; deleting it only costs speed.
 *
 * <git-dir>/tmt/             Per-worktree scratch space, never shared:
 *   index                    Stat cache: a git index of the last snapshot, so
 *                            untracked files are not re-hashed on every run.
 *                            Replaced atomically by rename; losing it only costs
 *                            speed.
 *   index.tmp-<pid>-<rand>   A snapshot in progress (one per process).
 */

export const RUNS_PREFIX = 'refs/tmt/runs/';
export const NOTES_REF = 'refs/notes/tmt';
export const NOTES_WORK_PREFIX = 'refs/notes/tmt-work/';
export const TMT_DIR = 'tmt';

export function runRef(runId: string): string {
  return RUNS_PREFIX + runId;
}
