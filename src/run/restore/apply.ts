/**
 * `tmt apply`: a run's code into the current working tree, so the researcher
 * continues from it, without ever losing what was there.
 *
 * Before a file changes, the working tree as it is (tracked files with their
 * edits, untracked files git does not ignore) is saved as a commit under
 * refs/tmt-saved/<worktree>/applied/<n> (saves.ts), with the exact bytes of
 * every file about to be overwritten or removed. Then every path where the
 * snapshot and the run's tree differ is made to match the run (place-tree.ts).
 * HEAD, the branch and the index are never touched; ignored files (data,
 * checkpoints, virtualenvs) are never overwritten or removed.
 *
 * The saves form two stacks. `undoApply` restores the newest `applied` save
 * byte for byte, after saving what it replaces onto `undone`; `redoApply`
 * does the reverse. So after two applies, two undos lead back to the tree
 * before the first, and no state any of them replaced is ever lost.
 *
 * Refused (WOULD_LOSE_WORK, nothing changed): while the index holds staged
 * changes (a save keeps files, not what was staged apart from them, and
 * restoring could not put that back), during a merge, rebase, cherry-pick or
 * revert, and when a path that no snapshot holds is in the way.
 */
import { describeRun } from '../note/id.js';
import { TmtError } from '../../errors.js';
import type { SaveStack } from '../../git/layout.js';
import { decodeName } from '../../git/names.js';
import { readHead } from '../../git/objects.js';
import type { Repo } from '../../git/repo.js';
import { snapshot, type SkippedFile } from '../../git/snapshot.js';
import type { RawPath } from '../../git/tree-diff.js';
import { openTreeIndex } from '../../git/worktree-files.js';
import { operationInProgress, stagedPaths } from '../../git/worktree-state.js';
import { oneLine, runCode } from './code.js';
import { executePlacement, planPlacement, type Placement } from './place-tree.js';
import { dropSave, readSaveContents, readSaves, topOf, writeSave, type SaveContents, type SaveInfo } from './saves.js';

export type { SaveInfo };

/** This working tree's saved working trees (both stacks), oldest first. */
export function listSaves(opts: { repo: Repo }): Promise<SaveInfo[]> {
  return readSaves(opts.repo);
}

export interface ApplyOptions {
  repo: Repo;
  /** A run selector. */
  run: string;
  /** Plan only: say what would change, change nothing, save nothing. */
  dryRun?: boolean;
  /** Seconds since the epoch, for the save's dates (default: now). */
  now?: () => number;
}

/** What changed in the working tree (paths as text: UTF-8, or Latin-1 for names that are not). */
export interface Changes {
  written: string[];
  removed: string[];
  /** Submodules whose commit differs, left as they are. */
  submodules: string[];
  /** Files the undone command wrote that are ignored now and were changed since: left in place. */
  leftChanged: string[];
}

export interface ApplyResult extends Changes {
  run: { id: string; name?: string };
  tree: string;
  /** The save of what was replaced; undefined when nothing changed (or a dry run). */
  saved?: SaveInfo;
  dryRun: boolean;
  /** Files the snapshot left out (too large, .tmtignore): never touched, and not saved. */
  skipped: SkippedFile[];
}

export async function applyRun(opts: ApplyOptions): Promise<ApplyResult> {
  const { repo } = opts;
  const { run, tree } = await runCode(repo, opts.run);
  const head = await requireChangeable(repo);
  const now = await snapshot({ repo });
  const result = { run: { id: run.id, name: run.meta.name }, tree, dryRun: !!opts.dryRun, skipped: now.skipped };
  const changed = await place(repo, { current: now.tree, target: tree, dryRun: opts.dryRun }, (plan) =>
    writeSave(repo, {
      stack: 'applied',
      op: 'apply',
      tree: now.tree,
      head,
      placed: tree,
      replaced: plan.replaced,
      createdDirs: plan.createdDirs,
      subject: `tmt apply: the working tree before run ${oneLine(describeRun(run))} was applied`,
      body: 'tmt apply --undo puts it back, byte for byte.',
      run: run.id,
      time: opts.now?.() ?? Date.now() / 1000,
    }),
  );
  return { ...result, ...changed };
}

export interface UndoOptions {
  repo: Repo;
  dryRun?: boolean;
  now?: () => number;
}

export interface UndoResult extends Changes {
  /** The save put back. */
  restored: SaveInfo;
  /** The save of what it replaced; undefined for a dry run. */
  saved?: SaveInfo;
  dryRun: boolean;
  /** HEAD moved since the restored save was made: git status now compares the files with another commit. */
  headMoved: boolean;
}

/** Puts back the working tree the newest apply (or redo) replaced, after saving the current one for redo. */
export function undoApply(opts: UndoOptions): Promise<UndoResult> {
  return restoreTop(opts, 'applied', 'undone', 'undo');
}

/** Puts back the working tree the newest undo replaced, after saving the current one for undo. */
export function redoApply(opts: UndoOptions): Promise<UndoResult> {
  return restoreTop(opts, 'undone', 'applied', 'redo');
}

async function restoreTop(opts: UndoOptions, from: SaveStack, to: SaveStack, op: 'undo' | 'redo'): Promise<UndoResult> {
  const { repo } = opts;
  const top = await topOf(repo, from);
  if (!top) {
    throw new TmtError('NOT_FOUND', op === 'undo' ? 'nothing to undo: tmt apply has not changed this working tree' : 'nothing to redo: no tmt apply --undo to take back', {
      hint: 'tmt apply --list shows the saved working trees',
    });
  }
  const head = await requireChangeable(repo);
  const contents = await readSaveContents(repo, top);
  const now = await snapshot({ repo });
  const changed = await place(repo, { current: now.tree, target: top.tree, contents, dryRun: opts.dryRun }, (plan) =>
    writeSave(repo, {
      stack: to,
      op,
      tree: now.tree,
      head,
      placed: top.tree,
      replaced: plan.replaced,
      createdDirs: plan.createdDirs,
      subject: `tmt apply --${op}: the working tree before ${top.stack}/${top.n} was restored`,
      body: `tmt apply --${op === 'undo' ? 'redo' : 'undo'} puts it back, byte for byte.`,
      restores: top.commit,
      time: opts.now?.() ?? Date.now() / 1000,
    }),
  () => dropSave(repo, top),
  );
  return { restored: top, ...changed, dryRun: !!opts.dryRun, headMoved: top.head !== head };
}

/**
 * Plans placing `target`, then (unless a dry run) saves through `save` and
 * carries the plan out. When the working tree is the target already there is
 * nothing to save or change (an undo still drops its save, through `done`).
 */
async function place(
  repo: Repo,
  opts: { current: string; target: string; contents?: SaveContents; dryRun?: boolean },
  save: (plan: Placement) => Promise<SaveInfo>,
  done?: () => Promise<void>,
): Promise<Changes & { saved?: SaveInfo }> {
  // Loading the target into a scratch index is also git's check of its paths, before anything changes.
  const index = await openTreeIndex(repo, opts.target);
  try {
    const plan = await planPlacement({ repo, current: opts.current, target: opts.target, placedBefore: opts.contents?.placed });
    const changes = describe(plan);
    const nothing = plan.write.length + plan.remove.length + plan.cleanup.length + plan.clearDirs.length === 0;
    if (opts.dryRun) return changes;
    const saved = nothing && !opts.contents ? undefined : await save(plan);
    try {
      await executePlacement(repo, plan, { index, raw: opts.contents?.files, prune: opts.contents?.createdDirs ?? 'emptied' });
    } catch (err) {
      if (saved) throw halfway(err, saved);
      throw err;
    }
    await done?.();
    return { ...changes, saved };
  } finally {
    index.close();
  }
}

function describe(plan: Placement): Changes {
  const text = (p: RawPath) => decodeName(Buffer.from(p, 'latin1'));
  return {
    written: plan.write.map((w) => text(w.path)),
    removed: [...plan.remove, ...plan.cleanup].map(text).sort(),
    submodules: plan.submodules.map((s) => text(s.path)),
    leftChanged: plan.leftChanged.map(text),
  };
}

/** An error after the save: the working tree may be half changed, and the save has it all. */
function halfway(err: unknown, saved: SaveInfo): unknown {
  const reason = err instanceof Error ? err.message : String(err);
  return new TmtError(err instanceof TmtError ? err.code : 'GIT_FAILED', `changing the working tree failed halfway: ${reason}`, {
    hint: `what was there is saved as ${saved.ref}: tmt apply --${saved.stack === 'applied' ? 'undo' : 'redo'} puts it back`,
    cause: err,
  });
}

/** Refuses (WOULD_LOSE_WORK) during a merge, rebase, cherry-pick or revert, and while the index holds staged changes; returns HEAD. */
async function requireChangeable(repo: Repo): Promise<string | undefined> {
  const operation = operationInProgress(repo);
  if (operation) {
    throw new TmtError('WOULD_LOSE_WORK', `${operation} is in progress in this working tree; nothing was changed`, {
      hint: 'finish it (or abort it) first, then run the command again',
    });
  }
  const head = await readHead(repo);
  const staged = await stagedPaths(repo, head.commit);
  if (staged.length > 0) {
    const list = `${staged.slice(0, 5).join(', ')}${staged.length > 5 ? ` and ${staged.length - 5} more` : ''}`;
    throw new TmtError('WOULD_LOSE_WORK', `the index has staged changes (${list}); nothing was changed`, {
      hint: `commit them, or unstage them with ${head.commit ? 'git restore --staged :/' : 'git rm -r -q --cached :/'} (the files stay as they are): a save keeps files, not what is staged`,
      data: { staged },
    });
  }
  return head.commit;
}
