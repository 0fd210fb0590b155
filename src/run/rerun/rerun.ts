/**
 * `tmt rerun`: a run's recorded command again, on exactly that run's code, as
 * a new run that records `rerunOf`. By default in a workspace of its own (a
 * linked worktree of the snapshot, see workspace.ts), so the user's working
 * tree, index and branch are never touched; with `inPlace`, in the working
 * tree itself, only when its snapshot is the run's code already.
 */
import { TmtError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import { snapshot } from '../../git/snapshot.js';
import type { RunMeta } from '../note/metadata.js';
import type { RunRecord } from '../read/read.js';
import { runCode } from '../restore/code.js';
import { paramsFromArgv } from '../record/argv-params.js';
import { recordRun, type RecordOptions, type RecordResult } from '../record/record.js';
import { checkMetrics, type CheckResult, type Tolerance } from './check.js';
import { rewriteFlags } from './flags.js';
import { dirInWorkspace, openWorkspace } from './workspace.js';

export interface RerunOptions extends Omit<RecordOptions, 'repo' | 'argv' | 'cwd' | 'code' | 'rerunOf' | 'params' | 'name' | 'tags' | 'description' | 'captureEnv'> {
  repo: Repo;
  /** A run selector. */
  run: string;
  /** Flag values to change on the recorded command line, in order. */
  set?: ReadonlyArray<readonly [key: string, value: string]>;
  /** Run in the user's working tree, which must hold exactly the run's code. */
  inPlace?: boolean;
  /** What the workspace links in from the main working tree (default: its ignored top-level entries). */
  link?: 'ignored' | readonly string[];
  /** Keep the workspace afterwards (its path is returned). */
  keep?: boolean;
  /** Compare the rerun's final metrics with the run's. */
  check?: Tolerance;
  /** Called once the workspace is ready and the command is about to start. */
  onPrepared?: (info: { dir: string; cwd: string; argv: string[]; linked: string[] }) => void;
}

export interface RerunResult {
  original: { id: string; name?: string };
  rerun: RecordResult;
  argv: string[];
  /** The workspace, when kept. */
  workspace?: string;
  linked: string[];
  check?: CheckResult;
  /** What went wrong after the run was saved (a worktree that could not be removed). */
  warnings: string[];
}

export async function rerunRun(opts: RerunOptions): Promise<RerunResult> {
  // The note's tree and base checked against the run commit, which is what runs: a doctored note must not make a false record.
  const { run, tree, base } = await runCode(opts.repo, opts.run);
  const meta = rerunnable(run);
  const argv = rewriteFlags(meta.command!.argv, opts.set ?? []);
  const record = (repo: Repo, cwd: string) =>
    recordRun({
      ...opts,
      repo,
      cwd,
      argv,
      name: meta.name,
      tags: meta.tags,
      description: meta.description,
      params: { ...meta.params, ...paramsFromArgv(argv) },
      captureEnv: Object.keys(meta.env ?? {}),
      code: { tree, base, branch: meta.git.branch, dirty: meta.git.dirty, files: meta.snapshot?.files ?? 0, skipped: meta.snapshot?.skipped ?? [] },
      rerunOf: run.id,
    });
  const verdict = (r: RecordResult) => (opts.check && r.meta.status === 'finished' ? checkMetrics(meta, r.meta, opts.check) : undefined);

  if (opts.inPlace) {
    const here = await snapshot({ repo: opts.repo });
    if (here.tree !== tree) {
      throw new TmtError('BAD_ARGUMENT', `--in-place: the working tree is not run ${run.id.slice(0, 12)}'s code`, {
        hint: `tmt apply ${opts.run} puts it there (and saves what it replaces); or rerun without --in-place, in a worktree of its own`,
      });
    }
    const cwd = dirInWorkspace({ dir: opts.repo.workTree }, meta.command!.dir);
    opts.onPrepared?.({ dir: opts.repo.workTree, cwd, argv, linked: [] });
    const rerun = await record(opts.repo, cwd);
    return { original: { id: run.id, name: meta.name }, rerun, argv, linked: [], check: verdict(rerun), warnings: [] };
  }

  const ws = await openWorkspace({ repo: opts.repo, commit: run.commit, link: opts.link ?? 'ignored', keep: opts.keep });
  let rerun: RecordResult;
  try {
    const cwd = dirInWorkspace(ws, meta.command!.dir);
    opts.onPrepared?.({ dir: ws.dir, cwd, argv, linked: ws.linked });
    rerun = await record(ws.repo, cwd);
  } catch (err) {
    if (!opts.keep) await ws.remove().catch(() => undefined);
    throw err;
  }
  const warnings: string[] = [];
  let workspace = opts.keep ? ws.dir : undefined;
  if (!opts.keep) {
    // The run is saved by now: a worktree that will not go is worth a warning, never the result.
    try {
      await ws.remove();
    } catch (err) {
      workspace = ws.dir;
      warnings.push(`the worktree the rerun ran in stays at ${ws.dir} (${err instanceof Error ? err.message : String(err)}); git worktree remove --force removes it`);
    }
  }
  return { original: { id: run.id, name: meta.name }, rerun, argv, workspace, linked: ws.linked, check: verdict(rerun), warnings };
}

function rerunnable(run: RunRecord & { meta: RunMeta }): RunMeta {
  if (!run.meta.command?.argv.length) {
    throw new TmtError('BAD_ARGUMENT', `run ${run.id.slice(0, 12)} has no command to run again: it was saved with tmt save, not recorded`, {
      hint: 'tmt checkout RUN puts its code in a directory of its own, to run by hand',
    });
  }
  return run.meta;
}
