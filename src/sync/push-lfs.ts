/**
 * Before `tmt push` moves any ref on a remote: the LFS objects of the runs it
 * sends are uploaded there, so a remote never has a pointer without its
 * object (a push killed in between leaves at most objects no ref names yet).
 * Runs the remote already has as they are here (its tracking ref says so) are
 * not looked at. Objects a pushed run needs that are not here are first
 * downloaded (from the push target, then the other remotes that had the run).
 *
 * The same look at the runs' outputs finds files kept in git that many hosts
 * refuse (over 100 MB): those are warned about before the push.
 */
import { TmtError } from '../errors.js';
import { objectInfo } from '../git/cat-file.js';
import { git } from '../git/exec.js';
import { hasObject, LFS_INSTALL_HINT, lfsInstalled, lfsSettings, type LfsPointer } from '../git/lfs.js';
import { listRefs } from '../git/refs.js';
import { uploadLfsObjects } from '../git/remote/native/lfs-transfer.js';
import { ensureLfsObjects } from '../run/outputs/lfs-download.js';
import { lfsPointersIn } from '../run/outputs/lfs-entries.js';
import { ATTRIBUTES_PATH, HOST_FILE_LIMIT } from '../run/outputs/large-files.js';
import { formatBytes } from '../util/format.js';
import type { SyncContext } from './types.js';

export interface LfsSent {
  objects: number;
  bytes: number;
}

/** `ids` undefined: every local run. */
export async function sendLfsObjects(ctx: SyncContext, ids: readonly string[] | undefined): Promise<LfsSent> {
  const { store, transport } = ctx;
  const target = transport.lfs;
  if (!store.native || !target) return { objects: 0, bytes: 0 };
  const repo = store.repo;
  const [runs, tracked] = await Promise.all([store.runRefs(), listRefs(repo, transport.trackingRuns)]);
  const there = new Map(tracked.map((r) => [r.ref.slice(transport.trackingRuns.length), r.oid]));
  const changed = (ids ?? [...runs.keys()]).filter((id) => runs.has(id) && there.get(id) !== runs.get(id));
  if (changed.length === 0) return { objects: 0, bytes: 0 };
  const parents = await store.commitParents(changed.map((id) => runs.get(id)!));
  const outputs = new Map<string, string>();
  for (const id of changed) {
    const o = parents.get(runs.get(id)!)?.[1];
    if (o) outputs.set(id, o);
  }
  if (outputs.size === 0) return { objects: 0, bytes: 0 };
  const spec = (id: string) => `${outputs.get(id)}:${ATTRIBUTES_PATH}`;
  const [attrs] = await Promise.all([objectInfo(repo, [...outputs.keys()].map(spec)), warnLargeBlobs(ctx, outputs)]);
  const withLfs = [...outputs.keys()].filter((id) => attrs.has(spec(id)));
  const pointers = new Map<string, LfsPointer>();
  for (const id of withLfs) {
    const found = [...(await lfsPointersIn(repo, outputs.get(id)!)).values()];
    if (found.length === 0) continue;
    if (!(await lfsInstalled(repo))) {
      throw new TmtError('LFS_MISSING', `run ${id.slice(0, 12)} keeps artifacts in git LFS, and pushing them needs git-lfs, which is not installed`, { hint: `${LFS_INSTALL_HINT}; or push the other runs by name` });
    }
    const missing = found.filter((p) => !p.here);
    if (missing.length) await ensureLfsObjects(repo, { id, outputs: outputs.get(id)!, label: id.slice(0, 12) }, missing, { first: target, progress: ctx.progress });
    for (const p of found) pointers.set(p.oid, { oid: p.oid, size: p.size });
  }
  if (pointers.size === 0) return { objects: 0, bytes: 0 };
  const settings = await lfsSettings(repo);
  const gone = [...pointers.values()].filter((p) => !hasObject(settings.objectsDir, p));
  if (gone.length) throw new TmtError('MISSING_OBJECTS', `an LFS object to push is not here: ${gone[0]!.oid}`, { hint: 'tmt get the run\'s artifacts first, or push the other runs by name' });
  const bytes = [...pointers.values()].reduce((n, p) => n + p.size, 0);
  if (ctx.progress && !ctx.progress.tty) ctx.progress.line(`tmt: uploading ${pointers.size} LFS object${pointers.size === 1 ? '' : 's'} (${formatBytes(bytes)}) to ${transport.label}`);
  await uploadLfsObjects(repo, target, [...pointers.keys()], ctx.progress);
  return { objects: pointers.size, bytes };
}

/** One warning for the runs whose outputs hold a blob over 100 MB (kept in git: no LFS then, or set off). */
async function warnLargeBlobs(ctx: SyncContext, outputs: ReadonlyMap<string, string>): Promise<void> {
  if (!ctx.warn) return;
  // Outputs commits have no parents: this walks their trees only, never the project's history.
  const { stdout } = await git(['rev-list', '--objects', '--no-object-names', `--filter=blob:limit=${HOST_FILE_LIMIT + 1}`, '--filter-print-omitted', '--stdin'], {
    cwd: ctx.store.repo.workTree,
    input: [...outputs.values()].join('\n') + '\n',
  });
  const big = stdout.toString('utf8').split('\n').filter((l) => l.startsWith('~')).map((l) => l.slice(1));
  if (big.length === 0) return;
  const sizes = [...(await objectInfo(ctx.store.repo, big)).values()].map((i) => i.size).sort((a, b) => b - a);
  ctx.warn(
    `pushing ${big.length === 1 ? 'a file' : `${big.length} files`} stored in git over 100 MB (largest ${formatBytes(sizes[0] ?? 0)}): many hosts reject them (GitHub among them). With git-lfs installed, tmt keeps new artifacts over tmt.lfs.threshold in git LFS`,
  );
}
