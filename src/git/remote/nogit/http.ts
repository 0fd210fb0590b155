/**
 * A remote over smart HTTP through isomorphic-git, where git is not
 * installed. isomorphic-git fetches one ref per call and writes refs without
 * locks, so it works in a scratch git dir (http-session.ts) and tmt writes the
 * real refs itself (refs.ts): the tracking refs after a fetch, as git fetch
 * would. Pushing is in http-push.ts.
 */
import { TmtError } from '../../../errors.js';
import fs from 'node:fs';
import path from 'node:path';
import { NOTES_REF, RUNS_PREFIX, runRef, trackingNotesRef, trackingRunsPrefix } from '../../layout.js';
import type { RefUpdate } from '../../refs.js';
import type { Repo } from '../../repo.js';
import type { ResolvedRemote } from '../which-remote.js';
import type { Progress, RemoteState, Transport } from '../types.js';
import { isObjectId, isSafeRefName } from '../../ref-name.js';
import { pushOverHttp } from './http-push.js';
import { httpSession, type Http, type Iso } from './http-session.js';
import type { ObjectStore } from './objects.js';
import { listRefs, readRef, updateRefs } from './refs.js';

export function httpTransport(iso: Iso, http: Http, repo: Repo, remote: ResolvedRemote, objects: ObjectStore, progress?: Progress): Transport {
  const s = httpSession(iso, http, repo, remote, objects, progress);
  const trackingNotes = trackingNotesRef(remote.key);
  const trackingRuns = trackingRunsPrefix(remote.key);

  async function list(): Promise<RemoteState> {
    const refs = await s.call(() => iso.listServerRefs({ http, url: remote.url, protocolVersion: 1, ...s.auth }));
    const runs = new Map<string, string>();
    let notes: string | undefined;
    const ignored: string[] = [];
    for (const { ref, oid } of refs) {
      if (!ref.startsWith(RUNS_PREFIX) && ref !== NOTES_REF) continue;
      // A hostile server's names would become file paths here (refs.ts): drop what git would refuse.
      if (!isSafeRefName(ref) || !isObjectId(oid)) ignored.push(ref);
      else if (ref === NOTES_REF) notes = oid;
      else runs.set(ref.slice(RUNS_PREFIX.length), oid);
    }
    return { runs, notes, ignored };
  }

  /** Fetches one ref, telling the server we have `have`; returns what arrived. */
  async function fetchOne(dir: string, ref: string, want: string, have: string | undefined): Promise<string> {
    if (await s.has(want)) return want;
    if (have) s.setRef(dir, ref, have);
    const r = await s.call(() => iso.fetch({ fs, http, gitdir: dir, url: remote.url, ref, remoteRef: ref, remote: 'tmt', singleBranch: true, tags: false, onProgress: s.onProgress, ...s.auth }));
    const got = r.fetchHead ?? want;
    if (!(await s.has(got))) throw new TmtError('GIT_FAILED', `fetched ${ref} from ${remote.label}, but its objects did not arrive`, { hint: 'run the command again' });
    return got;
  }

  return {
    label: remote.label,
    trackingNotes,
    trackingRuns,
    list,

    async fetch(state, opts) {
      return s.withScratch(async (dir) => {
        const local = listRefs(repo.commonDir, RUNS_PREFIX);
        const tracked = listRefs(repo.commonDir, trackingRuns);
        const head = localHead(repo);
        const notes = state.notes ? await fetchOne(dir, NOTES_REF, state.notes, readRef(repo.commonDir, trackingNotes) ?? readRef(repo.commonDir, NOTES_REF)) : undefined;
        const updates: RefUpdate[] = [{ ref: trackingNotes, newOid: notes ?? null }];
        const runs = new Map<string, string>();
        if (opts.runs) {
          for (const [id, oid] of state.runs) {
            runs.set(id, await fetchOne(dir, runRef(id), oid, local.get(runRef(id)) ?? tracked.get(trackingRuns + id) ?? head));
            updates.push({ ref: trackingRuns + id, newOid: runs.get(id)! });
          }
          for (const ref of tracked.keys()) if (!state.runs.has(ref.slice(trackingRuns.length))) updates.push({ ref, newOid: null });
        }
        const conflict = updateRefs(repo.commonDir, updates.filter((u) => u.newOid !== null || readRef(repo.commonDir, u.ref)));
        if (conflict) throw new TmtError('LOCKED', `could not update tmt's tracking refs for ${remote.label} (${conflict.ref})`, { hint: 'another tmt fetch is running; try again' });
        const known = opts.runs ? runs : new Map([...listRefs(repo.commonDir, trackingRuns)].map(([r, o]) => [r.slice(trackingRuns.length), o]));
        return { runs: known, notes };
      });
    },

    async push(req) {
      return pushOverHttp(s, req, await list());
    },
  };
}

/** HEAD's commit, for a fetch's "have" when nothing closer is known. */
function localHead(repo: Repo): string | undefined {
  try {
    const head = fs.readFileSync(path.join(repo.gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    return ref ? readRef(repo.commonDir, ref) : /^[0-9a-f]{40}$/.test(head) ? head : undefined;
  } catch {
    return undefined;
  }
}
