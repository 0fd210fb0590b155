/**
 * Bringing a run's LFS objects here on demand (tmt get, and tmt push of a run
 * whose objects were never downloaded). The remotes tmt saw the run on are
 * asked first, then the one git-lfs would pick by itself; each object asked for is
 * checked to be here, whole, afterwards. The run joins the keep ref first, so
 * that `git lfs prune` leaves what is downloaded.
 */
import { TmtError } from '../../errors.js';
import { hasObject, lfsInstalled, lfsMissingError, lfsSettings, type LfsPointer } from '../../git/lfs.js';
import { lfsKept, updateLfsKeep } from '../../git/lfs-keep.js';
import { configEntries } from '../../git/config.js';
import { TRACKING_RUNS_PREFIX } from '../../git/layout.js';
import { listRefs } from '../../git/refs.js';
import { downloadLfsObjects } from '../../git/remote/native/lfs-transfer.js';
import type { Progress } from '../../git/remote/types.js';
import { readRemoteConfig, remoteKey } from '../../git/remote/which-remote.js';
import type { Repo } from '../../git/repo.js';
import { isTmtError } from '../../errors.js';

export interface LfsRun {
  id: string;
  /** The outputs commit or tree (added to the keep ref). */
  outputs: string;
  label: string;
}

/** Makes every pointer's object present here (and kept for this run), or throws the last remote's reason. */
export async function ensureLfsObjects(repo: Repo, run: LfsRun, pointers: readonly LfsPointer[], opts: { first?: { arg: string; label: string }; progress?: Progress } = {}): Promise<void> {
  const settings = await lfsSettings(repo);
  let missing = unique(pointers).filter((p) => !hasObject(settings.objectsDir, p));
  // Before any download, and also when all is here already (another run brought the same
  // object, say): from now on git lfs prune must keep them for this run too.
  if (pointers.length && !(await lfsKept(repo, run.id, run.outputs))) await updateLfsKeep(repo, { add: new Map([[run.id, run.outputs]]) });
  if (missing.length === 0) return;
  if (!(await lfsInstalled(repo))) throw lfsMissingError(`run ${run.label} keeps ${missing.length === 1 ? 'an artifact' : `${missing.length} artifacts`} in git LFS; getting ${missing.length === 1 ? 'it' : 'them'}`);
  const remotes = await remotesFor(repo, run.id, opts.first);
  if (remotes.length === 0) {
    throw new TmtError('NOT_FOUND', `run ${run.label} keeps ${missing.length === 1 ? 'an artifact' : 'artifacts'} in git LFS, and this repository has no remote to download it from`, {
      hint: 'add the remote the run came from (git remote add origin URL), then tmt get it again',
    });
  }
  let lastError: unknown;
  for (const remote of remotes) {
    try {
      await downloadLfsObjects(repo, remote, missing, opts.progress);
    } catch (err) {
      if (!isTmtError(err)) throw err;
      lastError = err;
    }
    missing = missing.filter((p) => !hasObject(settings.objectsDir, p));
    if (missing.length === 0) break;
  }
  if (missing.length === 0) return;
  if (lastError) throw lastError;
  throw new TmtError('NOT_FOUND', `run ${run.label}: no remote has its LFS object ${missing[0]!.oid.slice(0, 12)}`, { hint: 'ask whoever recorded the run to tmt push it again' });
}

/**
 * `first`, then the configured remotes whose tracking refs hold the run, then
 * the one git-lfs would pick by itself: remote.lfsdefault, else the current
 * branch's, else origin, else the only remote (a run fetched from a URL has no
 * tracking ref under a name; and `git lfs fetch` reads its first argument as a
 * remote, so one is always named).
 */
async function remotesFor(repo: Repo, id: string, first?: { arg: string; label: string }): Promise<Array<{ arg: string; label: string }>> {
  const [config, tracked, lfsDefault] = await Promise.all([readRemoteConfig(repo), listRefs(repo, TRACKING_RUNS_PREFIX), configEntries(repo, '^remote\\.lfsdefault$')]);
  const keys = new Set(tracked.filter((r) => r.ref.endsWith(`/runs/${id}`)).map((r) => r.ref.slice(TRACKING_RUNS_PREFIX.length).split('/runs/')[0]!));
  const names = [...config.remotes.keys()];
  const fallback = [lfsDefault[0]?.[1], config.upstream, 'origin', names.length === 1 ? names[0] : undefined].find((n) => n !== undefined && config.remotes.has(n));
  const out = first ? [first] : [];
  for (const name of [...names.filter((n) => keys.has(remoteKey(n))), ...(fallback ? [fallback] : [])]) {
    if (!out.some((r) => r.arg === name)) out.push({ arg: name, label: name });
  }
  return out;
}

function unique(pointers: readonly LfsPointer[]): LfsPointer[] {
  return [...new Map(pointers.map((p) => [p.oid, p])).values()];
}
