/**
 * Before `tmt push` moves any ref on a remote: the LFS objects of the runs it
 * sends are uploaded there, so a remote never has a pointer without its
 * object (a push killed in between leaves at most objects no ref names yet).
 *
 * Which runs: those that differ from the remote's (listed first), and every
 * run named on the command line (git-lfs skips objects the remote has). Objects a
 * run shares with the version the remote already has are not downloaded to be
 * sent back; other objects that are not here are downloaded first. An upload
 * can take minutes: runs that changed meanwhile are scanned again, so the refs
 * pushed next are ones whose objects went first.
 *
 * The same look at the runs' outputs finds files kept in git that many hosts
 * refuse (over 100 MB): those are warned about before the push.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';
import { objectInfo } from '../git/cat-file.js';
import { hasObject, LFS_INSTALL_HINT, lfsInstalled, lfsSettings, type LfsPointer } from '../git/lfs.js';
import { blobsOver } from '../git/objects.js';
import { uploadLfsObjects } from '../git/remote/native/lfs-transfer.js';
import type { Repo } from '../git/repo.js';
import { ensureLfsObjects } from '../run/outputs/lfs-download.js';
import { lfsPointersIn } from '../run/outputs/lfs-entries.js';
import { HOST_FILE_LIMIT } from '../run/outputs/large-files.js';
import { formatBytes } from '../util/format.js';
import type { SyncContext } from './types.js';

export interface LfsSent {
  /** Objects handed to git-lfs (it skips those the remote has). */
  objects: number;
  bytes: number;
}

/** Rounds of "upload, then look again" before tmt gives up on runs that keep changing. */
const MAX_ROUNDS = 10;

/** `ids` undefined: every local run. */
export async function sendLfsObjects(ctx: SyncContext, ids: readonly string[] | undefined): Promise<LfsSent> {
  const { store, transport } = ctx;
  const target = transport.lfs;
  const sent: LfsSent = { objects: 0, bytes: 0 };
  // What the remote has now, not what tmt last saw of it: a remote made again empty under the
  // same name must get the objects again. One listing, in parallel with reading the runs here.
  let [runs, { runs: onRemote }] = await Promise.all([store.runRefs(), transport.list()]);
  if (!store.native || !target) {
    await refuseLfsRuns(ctx, (ids ?? [...runs.keys()]).filter((id) => runs.has(id) && onRemote.get(id) !== runs.get(id)), runs);
    return sent;
  }
  const repo = store.repo;
  const named = new Set(ids ?? []);
  const scanned = new Map<string, string>();
  for (let round = 0; ; round++) {
    const wanted = (ids ?? [...runs.keys()]).filter((id) => runs.has(id) && scanned.get(id) !== runs.get(id));
    const todo = wanted.filter((id) => named.has(id) || onRemote.get(id) !== runs.get(id));
    for (const id of wanted) scanned.set(id, runs.get(id)!);
    if (todo.length === 0) return sent;
    if (round >= MAX_ROUNDS) throw new TmtError('CONCURRENT_UPDATE', `runs kept changing while their LFS objects were uploaded to ${transport.label}`, { hint: 'push again once recording is done' });
    const batch = await objectsToSend(ctx, todo, runs, onRemote, round === 0);
    // Nothing to upload took no time: no run can have changed while it did.
    if (batch.size === 0) return sent;
    await assertReachable(target.arg, transport.label);
    const bytes = [...batch.values()].reduce((n, p) => n + p.size, 0);
    if (ctx.progress && !ctx.progress.tty) ctx.progress.line(`tmt: uploading ${batch.size} LFS object${batch.size === 1 ? '' : 's'} (${formatBytes(bytes)}) to ${transport.label}`);
    await uploadLfsObjects(repo, target, [...batch.keys()], ctx.progress);
    sent.objects += batch.size;
    sent.bytes += bytes;
    runs = await store.runRefs();
  }
}

/** oid → pointer of what the runs `todo` need uploaded, each object made present here first. */
async function objectsToSend(ctx: SyncContext, todo: readonly string[], runs: ReadonlyMap<string, string>, onRemote: ReadonlyMap<string, string>, warn: boolean): Promise<Map<string, LfsPointer>> {
  const repo = ctx.store.repo;
  const commits = [...new Set(todo.flatMap((id) => [runs.get(id)!, ...(onRemote.has(id) ? [onRemote.get(id)!] : [])]))];
  const parents = await ctx.store.commitParents(commits);
  const outputsOf = (commit: string | undefined) => (commit ? parents.get(commit)?.[1] : undefined);
  const mine = new Map(todo.flatMap((id) => (outputsOf(runs.get(id)) ? [[id, outputsOf(runs.get(id))!] as const] : [])));
  if (mine.size === 0) return new Map();
  const [marked] = await Promise.all([ctx.store.outputsWithLfs([...mine.values()]), warn ? warnLargeBlobs(ctx, [...mine.values()]) : undefined]);
  const withLfs = [...mine].filter(([, outputs]) => marked.has(outputs));
  const out = new Map<string, LfsPointer>();
  if (withLfs.length === 0) return out;
  const settings = await lfsSettings(repo);
  for (const [id, outputs] of withLfs) {
    const pointers = [...(await lfsPointersIn(repo, outputs)).values()];
    if (pointers.length === 0) continue;
    // What the remote's version of this run holds is there already: never fetched only to be sent back.
    const theirs = outputsOf(onRemote.get(id));
    const there = theirs ? new Set([...(await lfsPointersIn(repo, theirs)).values()].map((p) => p.oid)) : new Set<string>();
    const needed = pointers.filter((p) => p.here || !there.has(p.oid));
    if (needed.length === 0) continue;
    if (!(await lfsInstalled(repo))) {
      throw new TmtError('LFS_MISSING', `run ${id.slice(0, 12)} keeps artifacts in git LFS, and pushing them needs git-lfs, which is not installed`, { hint: `${LFS_INSTALL_HINT}; or push the other runs by name` });
    }
    const missing = needed.filter((p) => !p.here);
    if (missing.length) await ensureLfsObjects(repo, { id, outputs, label: id.slice(0, 12) }, missing, { first: ctx.transport.lfs, progress: ctx.progress });
    for (const p of needed) {
      if (!hasObject(settings.objectsDir, p)) throw new TmtError('MISSING_OBJECTS', `run ${id.slice(0, 12)} cannot be pushed: its LFS object ${p.oid.slice(0, 12)} is not here`, { hint: 'tmt get its artifacts from a remote that has them first, or push the other runs by name' });
      out.set(p.oid, { oid: p.oid, size: p.size });
    }
  }
  return out;
}

/**
 * Without git there is no git-lfs: a run whose LFS objects would have to go is
 * refused before anything is pushed, so the remote never gets its pointers alone.
 */
async function refuseLfsRuns(ctx: SyncContext, changed: readonly string[], runs: ReadonlyMap<string, string>): Promise<void> {
  if (changed.length === 0) return;
  const parents = await ctx.store.commitParents(changed.map((id) => runs.get(id)!));
  const outputs = new Map(changed.flatMap((id) => { const o = parents.get(runs.get(id)!)?.[1]; return o ? [[o, id] as const] : []; }));
  const marked = await ctx.store.outputsWithLfs([...outputs.keys()]);
  if (marked.size === 0) return;
  const ids = [...marked].map((o) => outputs.get(o)!.slice(0, 12));
  throw new TmtError('LFS_MISSING', `${ids.length === 1 ? `run ${ids[0]} keeps` : `${ids.length} runs (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}) keep`} artifacts in git LFS, and sending them needs git and git-lfs, which this machine lacks`, {
    hint: 'push from a machine with git and git-lfs, or push the other runs by name',
  });
}

/** A path remote that does not exist, said as git would say it (git-lfs only says "EOF"). */
async function assertReachable(arg: string, label: string): Promise<void> {
  if (!path.isAbsolute(arg) || fs.existsSync(arg)) return;
  throw new TmtError('REMOTE_UNREACHABLE', `cannot reach ${label} (${arg} does not appear to be a git repository)`, { hint: `check that ${label} is a git repository you can reach` });
}

/** One warning for the runs whose outputs hold a blob over 100 MB (kept in git: no git-lfs then, or tmt.lfs.threshold 0). */
async function warnLargeBlobs(ctx: SyncContext, outputs: readonly string[]): Promise<void> {
  if (!ctx.warn) return;
  const repo: Repo = ctx.store.repo;
  const big = await blobsOver(repo, outputs, HOST_FILE_LIMIT);
  if (big.length === 0) return;
  const sizes = [...(await objectInfo(repo, big)).values()].map((i) => i.size).sort((a, b) => b - a);
  ctx.warn(
    `pushing ${big.length === 1 ? 'a file' : `${big.length} files`} stored in git over 100 MB (largest ${formatBytes(sizes[0] ?? 0)}): many hosts reject them (GitHub among them); tmt keeps artifacts at or over tmt.lfs.threshold in git LFS when git-lfs is installed`,
  );
}
