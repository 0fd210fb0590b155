/**
 * A remote over smart HTTP through isomorphic-git, where git is not
 * installed. isomorphic-git fetches and pushes one ref per call and writes
 * refs without locks, so it works in a scratch git dir under <git-dir>/tmt/
 * whose `objects` is a link to the repository's own: objects land in the
 * repository, every ref isomorphic-git writes lands in the scratch dir (thrown
 * away), and tmt writes the real refs itself (refs.ts). The scratch refs it
 * is given are its "haves", so a fetch downloads only what is new. A push
 * goes ref by ref, runs before notes; the notes ref only if the remote's is
 * still what tmt merged with (checked before anything is sent).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../../errors.js';
import { NOTES_REF, RUNS_PREFIX, TMT_DIR, runRef, trackingNotesRef, trackingRunsPrefix } from '../layout.js';
import { ZERO_OID, type RefUpdate } from '../refs.js';
import type { Repo } from '../repo.js';
import { judgePush } from '../remote/push-report.js';
import type { ResolvedRemote } from '../remote/resolve.js';
import type { Progress, PushOutcome, PushRequest, RemoteState, Transport } from '../remote/types.js';
import { httpFailure } from './http-errors.js';
import type { ObjectStore } from './objects.js';
import { listRefs, readRef, updateRefs } from './refs.js';

type Iso = typeof import('isomorphic-git');
type Http = typeof import('isomorphic-git/http/node').default;


export function httpTransport(iso: Iso, http: Http, repo: Repo, remote: ResolvedRemote, objects: ObjectStore, progress?: Progress): Transport {
  const url = remote.url;
  const trackingNotes = trackingNotesRef(remote.key);
  const trackingRuns = trackingRunsPrefix(remote.key);
  const env = { user: process.env.TMT_HTTP_USER, password: process.env.TMT_HTTP_PASSWORD };
  const auth = {
    ...(env.user || env.password ? { onAuth: () => ({ username: env.user, password: env.password }) } : {}),
    onAuthFailure: () => ({ cancel: true }),
  };
  const onProgress = progress?.tty ? (e: { phase: string; loaded: number; total?: number }) => progress.raw(Buffer.from(`\r${e.phase}: ${e.loaded}${e.total ? `/${e.total}` : ''}`)) : undefined;
  const call = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (err) {
      throw httpFailure(err, remote.arg) ?? err;
    }
  };

  async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = path.join(repo.commonDir, TMT_DIR, `http-${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(path.join(dir, 'refs'), { recursive: true });
    fs.symlinkSync(path.join(repo.commonDir, 'objects'), path.join(dir, 'objects'));
    fs.writeFileSync(path.join(dir, 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(dir, 'config'), `[core]\n\tbare = true\n[remote "tmt"]\n\turl = ${url}\n\tfetch = +refs/*:refs/fetched/*\n`);
    try {
      return await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const setRef = (dir: string, ref: string, oid: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, ref)), { recursive: true });
    fs.writeFileSync(path.join(dir, ref), `${oid}\n`);
  };
  const has = async (oid: string) => (await objects.read(oid)) !== undefined;

  async function list(): Promise<RemoteState> {
    const refs = await call(() => iso.listServerRefs({ http, url, protocolVersion: 1, ...auth }));
    const runs = new Map<string, string>();
    let notes: string | undefined;
    for (const { ref, oid } of refs) {
      if (ref === NOTES_REF) notes = oid;
      else if (ref.startsWith(RUNS_PREFIX)) runs.set(ref.slice(RUNS_PREFIX.length), oid);
    }
    return { runs, notes };
  }

  /** Fetches one ref, telling the server we have `have`; returns what arrived. */
  async function fetchOne(dir: string, ref: string, want: string, have: string | undefined): Promise<string> {
    if (await has(want)) return want;
    if (have) setRef(dir, ref, have);
    const r = await call(() => iso.fetch({ fs, http, gitdir: dir, url, ref, remoteRef: ref, remote: 'tmt', singleBranch: true, tags: false, onProgress, ...auth }));
    const got = r.fetchHead ?? want;
    if (!(await has(got))) throw new TmtError('GIT_FAILED', `fetched ${ref} from ${remote.arg}, but its objects did not arrive`, { hint: 'run the command again' });
    return got;
  }

  return {
    label: remote.arg,
    trackingNotes,
    trackingRuns,
    list,

    async fetch(state, opts) {
      return withScratch(async (dir) => {
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
        if (conflict) throw new TmtError('LOCKED', `could not update tmt's tracking refs for ${remote.arg} (${conflict.ref})`, { hint: 'another tmt fetch is running; try again' });
        const known = opts.runs ? runs : new Map([...listRefs(repo.commonDir, trackingRuns)].map(([r, o]) => [r.slice(trackingRuns.length), o]));
        return { runs: known, notes };
      });
    },

    async push(req: PushRequest): Promise<PushOutcome> {
      const there = await list();
      return withScratch(async (dir) => {
        const local = listRefs(repo.commonDir, RUNS_PREFIX);
        const ids = req.runs === 'all' ? [...local.keys()].map((r) => r.slice(RUNS_PREFIX.length)) : req.runs;
        const result = { ok: true as const, runsUpdated: 0, runsDeleted: 0, notesUpdated: false };
        const one = async (ref: string, expect: string | null, del = false) => {
          let stale = false;
          const onPrePush = ({ remoteRef }: { remoteRef: { oid: string } }) => !(stale = remoteRef.oid !== (expect ?? ZERO_OID));
          try {
            await call(() => iso.push({ fs, http, gitdir: dir, url, ref, remoteRef: ref, delete: del, onPrePush, onProgress, ...auth }));
            return undefined;
          } catch (err) {
            if (stale) return { ok: false as const, reason: `${ref} [rejected] (stale info)` };
            const data = (err as { code?: string; data?: { reason?: string; result?: { refs?: Record<string, { ok: boolean; error: string }> } } }).data;
            if ((err as { code?: string }).code === 'PushRejectedError') return { ok: false as const, reason: `${ref} [rejected] (${data?.reason ?? 'non-fast-forward'})` };
            const refs = data?.result?.refs;
            if (refs) {
              const verdict = judgePush(Object.entries(refs).filter(([, v]) => !v.ok).map(([to, v]) => ({ flag: '!', to, summary: `[remote rejected] (${v.error})` })), '', remote.arg);
              if (!verdict.ok) return verdict;
            }
            throw err;
          }
        };
        for (const id of ids) {
          const oid = local.get(runRef(id));
          if (!oid || there.runs.get(id) === oid) continue;
          setRef(dir, runRef(id), oid);
          const refused = await one(runRef(id), there.runs.get(id) ?? null);
          if (refused) return refused;
          result.runsUpdated++;
        }
        for (const d of req.deletes) {
          const refused = await one(runRef(d.id), d.expect, true);
          if (refused) return refused;
          result.runsDeleted++;
        }
        if (req.notes && req.notes.oid !== there.notes) {
          setRef(dir, NOTES_REF, req.notes.oid);
          const refused = await one(NOTES_REF, req.notes.expect);
          if (refused) return refused;
          result.notesUpdated = true;
        }
        return result;
      });
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
