import fs from 'node:fs';
import os from 'node:os';
import { commitNotes, restoreDroppedNotes } from '../../git/notes.js';
import { commitIdentityEnv, readHead, writeCommit } from '../../git/objects.js';
import { runRef } from '../../git/layout.js';
import type { Repo } from '../../git/repo.js';
import { snapshot, type SnapshotResult } from '../../git/snapshot.js';
import { newRunId, systemClock, type Clock } from '../note/id.js';
import { checkRunName, checkTags } from '../note/name-rules.js';
import { createRunDir, runDir } from './run-dir.js';
import { SCHEMA_VERSION, serializeMeta, type MetricSummary, type RunMeta, type RunStatus, type SweepTrialRef } from '../note/metadata.js';

export interface CreateRunOptions {
  repo: Repo;
  name?: string;
  description?: string;
  tags?: string[];
  params?: Record<string, unknown>;
  metrics?: Record<string, MetricSummary>;
  status?: RunStatus;
  command?: RunMeta['command'];
  env?: Record<string, string>;
  clock?: Clock;
  noCache?: boolean;
  maxFileSize?: number;
  /**
   * The run's code when it is known already (a rerun runs exactly another
   * run's snapshot): recorded as it is, on the same base commit, without
   * snapshotting the working tree.
   */
  code?: KnownCode;
  rerunOf?: string;
  sweep?: SweepTrialRef;
}

export interface KnownCode {
  tree: string;
  base?: string;
  branch?: string;
  dirty: boolean;
  files: number;
  /** What the run's own snapshot left out, as its note says. */
  skipped: NonNullable<RunMeta['snapshot']>['skipped'];
}

export interface CreatedRun {
  id: string;
  commit: string;
  meta: RunMeta;
  snapshot: SnapshotResult;
}

/**
 * Snapshots the working tree and records it as a run: the run commit, its ref
 * and its note land in one transaction, so a run never exists without its
 * metadata, and a failure leaves nothing behind. A run that starts `running`
 * gets its scratch directory before it is published: a running run without
 * one here was not started in this repository (../update/recover.ts relies on it).
 */
export async function createRun(opts: CreateRunOptions): Promise<CreatedRun> {
  checkRunName(opts.name);
  checkTags(opts.tags);
  const clock = opts.clock ?? systemClock;
  const { repo } = opts;
  // HEAD and identity first: their processes start before the snapshot's synchronous index work.
  const [head, identity, snap] = await Promise.all([
    opts.code ? { commit: opts.code.base, branch: opts.code.branch, tree: opts.code.dirty ? undefined : opts.code.tree } : readHead(repo),
    commitIdentityEnv(repo),
    opts.code ? knownSnapshot(opts.code) : snapshot({ repo, noCache: opts.noCache, maxFileSize: opts.maxFileSize }),
  ]);
  const startedMs = clock.now();
  const id = newRunId(startedMs);
  const commit = await writeCommit(repo, {
    tree: snap.tree,
    parents: head.commit ? [head.commit] : [],
    message: `tmt run ${id}\n`,
    time: startedMs / 1000,
    env: identity,
  });
  const meta: RunMeta = {
    schemaVersion: SCHEMA_VERSION,
    id,
    name: opts.name,
    description: opts.description,
    tags: opts.tags ?? [],
    status: opts.status ?? 'running',
    params: opts.params ?? {},
    metrics: opts.metrics ?? {},
    started: new Date(startedMs).toISOString(),
    host: {
      hostname: os.hostname(),
      user: safeUser(),
      os: `${os.platform()} ${os.release()}`,
      node: process.version,
      pid: process.pid,
    },
    git: { base: head.commit, branch: head.branch, dirty: head.tree !== snap.fullTree, tree: snap.tree },
    snapshot: opts.code ? { files: opts.code.files, skipped: opts.code.skipped } : { files: snap.files, skipped: snap.skipped },
    command: opts.command,
    env: opts.env,
    rerunOf: opts.rerunOf,
    sweep: opts.sweep,
  };
  if (meta.status !== 'running') {
    meta.ended = meta.started;
    meta.durationMs = 0;
  }
  const scratch = meta.status === 'running' ? runDir(repo, id) : undefined;
  if (scratch) createRunDir(scratch);
  try {
    await restoreDroppedNotes(repo);
    await commitNotes(repo, {
      notes: [{ object: commit, text: serializeMeta(meta) }],
      refs: [{ ref: runRef(id), newOid: commit, oldOid: null }],
      message: `tmt: create run ${id}`,
      env: identity,
    });
  } catch (err) {
    if (scratch) fs.rmSync(scratch.root, { recursive: true, force: true });
    throw err;
  }
  return { id, commit, meta, snapshot: snap };
}

/**
 * The working tree's code now, snapshotted once, as code that runs recorded
 * later take as given (`code`): a sweep's trials all record this one tree,
 * whatever is edited while they run.
 */
export async function snapshotCode(repo: Repo, opts: { noCache?: boolean; maxFileSize?: number } = {}): Promise<KnownCode & { snapshot: SnapshotResult }> {
  const [head, snap] = await Promise.all([readHead(repo), snapshot({ repo, noCache: opts.noCache, maxFileSize: opts.maxFileSize })]);
  return { tree: snap.tree, base: head.commit, branch: head.branch, dirty: head.tree !== snap.fullTree, files: snap.files, skipped: snap.skipped, snapshot: snap };
}

/** Known code as a snapshot that found nothing new to leave out. */
function knownSnapshot(code: KnownCode): SnapshotResult {
  return { tree: code.tree, fullTree: code.tree, files: code.files, skipped: [], cacheHits: 0, ms: 0 };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
