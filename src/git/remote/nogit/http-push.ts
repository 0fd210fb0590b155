/**
 * Pushing over HTTP with isomorphic-git, which sends one ref per call: runs
 * first, then deletions, then the notes, so a reader of the remote never sees
 * notes for runs that are not there yet. Each ref goes only if the remote still
 * has the value tmt expects (checked before anything is sent, then again by
 * the server, which compares the old value it advertised): the runs as just
 * listed, the notes as tmt last saw and merged them.
 */
import fs from 'node:fs';
import { NOTES_REF, RUNS_PREFIX, runRef } from '../../layout.js';
import { ZERO_OID } from '../../refs.js';
import { judgePush } from '../native/push-report.js';
import type { PushOutcome, PushRequest, RemoteState } from '../types.js';
import type { HttpSession } from './http-session.js';
import { listRefs } from './refs.js';

export async function pushOverHttp(s: HttpSession, req: PushRequest, there: RemoteState): Promise<PushOutcome> {
  const { iso, http, repo, remote } = s;
  return s.withScratch(async (dir) => {
    const local = listRefs(repo.commonDir, RUNS_PREFIX);
    const ids = req.runs === 'all' ? [...local.keys()].map((r) => r.slice(RUNS_PREFIX.length)) : req.runs;
    const result = { ok: true as const, runsUpdated: 0, runsDeleted: 0, notesUpdated: false };
    const one = async (ref: string, expect: string | null, del = false): Promise<PushOutcome | undefined> => {
      let stale = false;
      const onPrePush = ({ remoteRef }: { remoteRef: { oid: string } }) => !(stale = remoteRef.oid !== (expect ?? ZERO_OID));
      try {
        await s.call(() => iso.push({ fs, http, gitdir: dir, url: remote.url, ref, remoteRef: ref, delete: del, onPrePush, onProgress: s.onProgress, ...s.auth }));
        return undefined;
      } catch (err) {
        if (stale) return { ok: false, reason: `${ref} [rejected] (stale info)` };
        const e = err as { code?: string; data?: { reason?: string; result?: { refs?: Record<string, { ok: boolean; error: string }> } } };
        if (e.code === 'PushRejectedError') return { ok: false, reason: `${ref} [rejected] (${e.data?.reason ?? 'non-fast-forward'})` };
        const refs = e.data?.result?.refs;
        if (refs) {
          const verdict = judgePush(Object.entries(refs).filter(([, v]) => !v.ok).map(([to, v]) => ({ flag: '!', to, summary: `[remote rejected] (${v.error})` })), '', remote.label);
          if (!verdict.ok) return verdict;
        }
        throw err;
      }
    };
    for (const id of ids) {
      const oid = local.get(runRef(id));
      const theirs = there.runs.get(id);
      if (!oid || theirs === oid) continue;
      // Their version is not here: it is newer than ours or diverged; merge it first.
      if (theirs && !(await s.has(theirs))) return { ok: false, reason: `${runRef(id)} [rejected] (fetch first)` };
      s.setRef(dir, runRef(id), oid);
      const refused = await one(runRef(id), theirs ?? null);
      if (refused) return refused;
      result.runsUpdated++;
    }
    for (const d of req.deletes) {
      const refused = await one(runRef(d.id), d.expect, true);
      if (refused) return refused;
      result.runsDeleted++;
    }
    if (req.notes && req.notes.oid !== there.notes) {
      s.setRef(dir, NOTES_REF, req.notes.oid);
      const refused = await one(NOTES_REF, req.notes.expect);
      if (refused) return refused;
      result.notesUpdated = true;
    }
    return result;
  });
}
