import { TmtError } from '../../errors.js';
import { unreadableRunError } from './read.js';
import { diffStat } from '../../git/diff.js';
import type { Repo } from '../../git/repo.js';
import { readBlobAt } from '../../git/tree-writer.js';
import { listArtifacts } from '../outputs/lfs-entries.js';
import type { RunMeta } from '../note/metadata.js';
import { resolveRun } from './find-run.js';
import { displayStatus, type DisplayStatus } from '../note/status.js';

export interface LogView {
  lines: number;
  bytes: number;
  /** The last lines (all of them when `full`). */
  tail: string[];
}

export interface RunDetails {
  id: string;
  commit: string;
  status: DisplayStatus;
  meta: RunMeta;
  /** `pathLatin1`: the name is not UTF-8 and `path` is its Latin-1 reading (encode it as Latin-1 for the exact bytes). */
  artifacts: ArtifactDetails[];
  logs: { stdout: LogView; stderr: LogView };
  /** `git diff --stat` of the code against the base commit: the uncommitted changes the run carried. */
  diffStat: string;
}

export interface ArtifactDetails {
  path: string;
  /** Bytes of the file (for an LFS artifact, of the content its pointer stands for). */
  size: number;
  pathLatin1?: true;
  /** Stored in git LFS; `here`: its content is in this repository (else tmt get downloads it). */
  lfs?: { oid: string; here: boolean };
}

export async function showRun(opts: { repo: Repo; selector: string; tailLines?: number; full?: boolean }): Promise<RunDetails> {
  const run = await resolveRun(opts.repo, opts.selector);
  if (!run.meta) {
    throw unreadableRunError(run);
  }
  const meta = run.meta;
  const outputs = meta.outputs;
  const tail = opts.tailLines ?? 10;
  const [artifacts, stdout, stderr, stat] = await Promise.all([
    outputs ? listArtifacts(opts.repo, outputs) : Promise.resolve([]),
    outputs ? readBlobAt(opts.repo, outputs, 'logs/stdout') : Promise.resolve(undefined),
    outputs ? readBlobAt(opts.repo, outputs, 'logs/stderr') : Promise.resolve(undefined),
    diffStat(opts.repo, meta.git.base, meta.git.tree),
  ]);
  return {
    id: run.id,
    commit: run.commit,
    status: displayStatus(meta),
    meta,
    artifacts: artifacts.map((a) => ({
      path: a.path.slice('artifacts/'.length),
      size: a.lfs?.size ?? a.size,
      ...(a.utf8 ? {} : { pathLatin1: true as const }),
      ...(a.lfs ? { lfs: { oid: a.lfs.oid, here: a.lfs.here } } : {}),
    })),
    logs: { stdout: logView(stdout, opts.full ? Infinity : tail), stderr: logView(stderr, opts.full ? Infinity : tail) },
    diffStat: stat,
  };
}

function logView(blob: Buffer | undefined, tail: number): LogView {
  if (!blob || blob.length === 0) return { lines: 0, bytes: 0, tail: [] };
  const text = blob.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines: lines.length, bytes: blob.length, tail: tail === Infinity ? lines : lines.slice(-tail) };
}
