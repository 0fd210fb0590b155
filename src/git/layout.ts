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
 *                            parent 3 = the run commit this one replaced, when
 *                                       outputs were added (or parents 3 and 4:
 *                                       the two commits a merge joined), so a
 *                                       run ref only ever moves forward and a
 *                                       push or fetch of it is a fast-forward
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
 * <common-dir>/tmt/          Shared by every worktree, never pushed:
 *   catalog/                 The run catalog (src/run/catalog/store.ts): a cache of
 *                            every run's note and queryable columns; deleting it
 *                            only costs speed.
 *   runs/<run-id>/           A recording run's scratch directory (metrics.jsonl,
 *                            artifacts/, captured output, params.jsonl, the
 *                            command's pid, a reserved failure file) until git
 *                            holds everything; `tmt recover` reads what a dead
 *                            run left here.
 *   notes-journal            Note writes that native `git notes` beside tmt could
 *                            race with, kept until they are settled.
 *   http-<pid>-<rand>/       A scratch bare repository sharing the objects, while
 *                            isomorphic-git talks to an HTTP remote (no git installed).
 *   workspaces/<stamp>/      Linked worktrees of runs' code that tmt rerun runs in,
 *                            removed when the rerun ends (git worktree list shows them),
 *                            or by tmt recover once a killed rerun left one; never one
 *                            whose admin dir holds tmt-keep (`--keep`). A tmt sweep
 *                            runs each worker's trials in one of these.
 *   sweeps/<name>/<key>      A sweep trial's claim: "running <host> <pid>" while a tmt
 *                            sweep runs it, "done <run-id>" after it finished, so two
 *                            tmt sweep processes on one spec never run a trial twice.
 *                            <key> hashes the trial's directory, repeat and command line.
 *
 * Sharing through a remote (`tmt push`, `tmt fetch`); none of these is pushed,
 * as tmt pushes explicit refspecs only (refs/tmt/runs/<id> and refs/notes/tmt):
 * refs/notes/tmt-remotes/<remote>      What tmt last saw of the remote's
 *                                      refs/notes/tmt: the expected old value
 *                                      (compare-and-swap) of the next push, and
 *                                      the other side of the next notes merge.
 *                                      Under refs/notes/ because `git notes
 *                                      merge` takes notes refs only, and out of
 *                                      refs/tmt/ so a user's `git push
 *                                      'refs/tmt/*'` does not carry it.
 * refs/tmt-remotes/<remote>/runs/<id>  The remote's run refs as last fetched
 *                                      (pruned when the remote deletes one).
 *                                      Local runs are created or moved from
 *                                      these only after the notes merged.
 * <remote> is the remote's name with anything but [A-Za-z0-9._-] written as
 * %XX (so `a/b` cannot collide with `a`), or for a URL given directly `url-`
 * and the URL's 64-bit FNV-1a hash in hex.
 *
 * Getting a run's code back (`tmt apply`), private to this repository: never
 * pushed, and outside refs/tmt/ so that neither tmt (which lists and pushes
 * refs/tmt/runs/* only) nor a user's `git push 'refs/tmt/*'` carries what
 * was in someone's working tree:
 * refs/tmt-saved/<worktree>/applied/<n>  The working tree as it was before
 *                                      `tmt apply` (or `--redo`) changed it:
 *                                      the undo stack, newest (highest n) on
 *                                      top. A commit: tree = the snapshot,
 *                                      parent 1 = HEAD then (none before the
 *                                      first commit), then the "sidecar"
 *                                      commit named by the message's
 *                                      `tmt-sidecar:` line, whose tree holds
 *                                      `placed` (the tree the command put in
 *                                      place), `files/<path>` (the replaced
 *                                      files' bytes, unfiltered) and `meta`
 *                                      (their permissions, the directories
 *                                      the command created), and for an undo
 *                                      or redo the save it restored.
 * refs/tmt-saved/<worktree>/undone/<n>   The same, saved by `tmt apply --undo`
 *                                      before it restored applied/<m>: the
 *                                      redo stack.
 * <worktree> is `main` for the main working tree and `worktrees/<name>` for a
 * linked one (git's name for it, anything but [A-Za-z0-9._-] as %XX), so each
 * working tree undoes its own applies. <n> counts up within a working tree.
 *
 * <git-dir>/tmt/             Per-worktree scratch space, never shared:
 *   index                    Stat cache: a git index of the last snapshot, so
 *                            untracked files are not re-hashed on every run.
 *                            Replaced atomically by rename; losing it only costs
 *                            speed.
 *   index.record             The stat cache's key, its time stamp and each cached
 *                            untracked path's attributes, tied to the index by
 *                            its checksum.
 *   index.tmp-<pid>-<rand>   A snapshot in progress (one per process).
 *   html/                    Pages `tmt compare --html` and `tmt diff --html`
 *                            write when no output path is given.
 *   restore-index-<pid>-<rand>  A scratch index for `tmt apply`: the tree it
 *                            writes into the working tree (git's checkout-index
 *                            reads it), or a save being put together; removed
 *                            when done. The real index is never touched.
 *
 * git LFS (src/git/lfs.ts), private to this repository and never pushed:
 * refs/tmt-lfs/keep                   A commit whose tree holds, for each run
 *                                      whose LFS objects are here,
 *                                      `<run-id>/<tree-id>` -> each outputs tree
 *                                      (the pointers) put here for it; added
 *                                      to, never replaced. Its dates are far in
 *                                      the future, so `git lfs prune` counts it
 *                                      as recent and keeps every object it
 *                                      points at; a run removed by tmt rm
 *                                      leaves it, and prune may then free that
 *                                      run's objects. No parent: only the tip
 *                                      matters.
 * <lfs dir>/objects/xx/yy/<oid> An artifact stored as an LFS object, exactly
 *                                      where `git lfs clean` puts it. <lfs dir> is
 *                                      `lfs.storage`, else <common-dir>/lfs.
 *   <lfs dir>/tmp/tmt-<pid>-<rand>     An object being written (renamed into place).
 *
 * Files git owns that tmt reads or adds to:
 *   <git-dir>/MERGE_HEAD, CHERRY_PICK_HEAD, REVERT_HEAD, rebase-merge/,
 *   rebase-apply/            An operation in progress in this worktree; `tmt
 *                            apply` refuses to change the tree meanwhile.
 *   <common-dir>/worktrees/<name>/tmt-checkout
 *                            Marks a linked worktree as one `tmt checkout` made
 *                            (the run id and commit, as JSON), for `tmt checkout
 *                            --list/--remove`. git removes it with the worktree's
 *                            own admin directory (`git worktree remove/prune`).
 *
 * Every path above is built here and nowhere else.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from './repo.js';

export const RUNS_PREFIX = 'refs/tmt/runs/';
export const NOTES_REF = 'refs/notes/tmt';
export const NOTES_WORK_PREFIX = 'refs/notes/tmt-work/';
export const TRACKING_NOTES_PREFIX = 'refs/notes/tmt-remotes/';
export const TRACKING_RUNS_PREFIX = 'refs/tmt-remotes/';

/** Where tmt keeps what it last saw of a remote's notes. */
export function trackingNotesRef(remoteKey: string): string {
  return TRACKING_NOTES_PREFIX + remoteKey;
}

/** Where tmt keeps a remote's run refs as last fetched (`<prefix><id>`). */
export function trackingRunsPrefix(remoteKey: string): string {
  return `${TRACKING_RUNS_PREFIX}${remoteKey}/runs/`;
}

export function runRef(runId: string): string {
  return RUNS_PREFIX + runId;
}

/** `<common-dir>/tmt`: tmt's files shared by every worktree. */
export function sharedTmtDir(repo: Repo): string {
  return path.join(repo.commonDir, 'tmt');
}

/** `<git-dir>/tmt`: this worktree's own (the stat cache, pages). */
export function worktreeTmtDir(repo: Repo): string {
  return path.join(repo.gitDir, 'tmt');
}

export function catalogDir(repo: Repo): string {
  return path.join(sharedTmtDir(repo), 'catalog');
}

/** The cache tmt 0.1 kept before the catalog; removed when found. */
export function legacyRunsCacheFile(repo: Repo): string {
  return path.join(worktreeTmtDir(repo), 'runs-cache.json');
}

/** Where recording runs keep their scratch directories, one per run id. */
export function runDirsRoot(repo: Repo): string {
  return path.join(sharedTmtDir(repo), 'runs');
}

export function notesJournalFile(repo: Repo): string {
  return path.join(sharedTmtDir(repo), 'notes-journal');
}

/** A fresh name for an HTTP session's scratch repository (`uniq` is the caller's pid and random part). */
export function httpScratchDir(repo: Repo, uniq: string): string {
  return path.join(sharedTmtDir(repo), `http-${uniq}`);
}

/** Where reruns check a run's code out (linked worktrees). */
export function workspacesDir(repo: Repo): string {
  return path.join(sharedTmtDir(repo), 'workspaces');
}

export function sweepClaimsDir(repo: Repo, sweepName: string): string {
  return path.join(sharedTmtDir(repo), 'sweeps', sweepName);
}

export function pageOutputDir(repo: Repo): string {
  return path.join(worktreeTmtDir(repo), 'html');
}

/** git's own index of this worktree. */
export function gitIndexFile(repo: Repo): string {
  return path.join(repo.gitDir, 'index');
}

export const LFS_KEEP_REF = 'refs/tmt-lfs/keep';

export const SAVED_PREFIX = 'refs/tmt-saved/';

/** The two stacks of saved working trees: what apply/redo replaced, and what undo replaced. */
export type SaveStack = 'applied' | 'undone';

/** `refs/tmt-saved/<worktree>/`: the saves of this working tree (see the module comment). */
export function savedRefsPrefix(repo: Repo): string {
  // A linked worktree's git dir is `<common-dir>/worktrees/<name>` and holds a `commondir` file; the main one has none.
  if (!fs.existsSync(path.join(repo.gitDir, 'commondir'))) return `${SAVED_PREFIX}main/`;
  const name = path.basename(repo.gitDir).replace(/[^A-Za-z0-9._-]/g, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return `${SAVED_PREFIX}worktrees/${name}/`;
}

export function savedRef(repo: Repo, stack: SaveStack, n: number): string {
  return `${savedRefsPrefix(repo)}${stack}/${n}`;
}

/** A scratch index for writing a tree into the working tree (`uniq`: the caller's pid and random part). */
export function restoreIndexFile(repo: Repo, uniq: string): string {
  return path.join(worktreeTmtDir(repo), `restore-index-${uniq}`);
}

/** Files and directories whose presence in this worktree's git dir means a merge, rebase, cherry-pick or revert is under way. */
export function operationMarkers(repo: Repo): Array<{ file: string; operation: string }> {
  const at = (name: string, operation: string) => ({ file: path.join(repo.gitDir, name), operation });
  return [at('MERGE_HEAD', 'a merge'), at('rebase-merge', 'a rebase'), at('rebase-apply', 'a rebase or git am'), at('CHERRY_PICK_HEAD', 'a cherry-pick'), at('REVERT_HEAD', 'a revert')];
}

/** Where git keeps the admin directories of linked worktrees. */
export function worktreeAdminRoot(repo: Repo): string {
  return path.join(repo.commonDir, 'worktrees');
}

/** The mark `tmt rerun --keep` leaves in its workspace's admin directory: tmt recover never removes that one. */
export function workspaceKeepFile(adminDir: string): string {
  return path.join(adminDir, 'tmt-keep');
}

/** The mark `tmt checkout` leaves in a linked worktree's admin directory. */
export function checkoutMarkFile(adminDir: string): string {
  return path.join(adminDir, 'tmt-checkout');
}
