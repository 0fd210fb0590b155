/**
 * `tmt rm`: deleting runs. Here, the run ref and its note go in one
 * compare-and-swap transaction. With a remote, the runs are deleted there
 * first, in one atomic push: each run ref only if it is still at the commit
 * tmt fetched (--force-with-lease), and the remote's notes with those notes
 * removed, only if they are still what tmt merged with; then here.
 */
import { TmtError } from '../../errors.js';
import { backoffMs, sleep } from '../../git/backoff.js';
import { runRef } from '../../git/layout.js';
import { commitNotes } from '../../git/notes.js';
import type { Repo } from '../../git/repo.js';
import type { RunRecord } from '../read.js';
import { fetchRemote } from './fetch.js';
import { loadRuns } from './runs.js';
import type { SyncContext } from './types.js';

export interface Removed {
  id: string;
  name?: string;
  /** The commit the run ref pointed at (restore with git update-ref refs/tmt/runs/<id> <commit>). */
  commit: string;
  /** Whether the remote had it (and no longer does). */
  remote?: boolean;
}

/** Deletes runs here, in one transaction (retried while other writers move the notes). */
export async function removeLocal(repo: Repo, runs: readonly RunRecord[]): Promise<Removed[]> {
  if (runs.length === 0) return [];
  await commitNotes(repo, {
    notes: runs.map((r) => ({ object: r.commit, text: null })),
    refs: runs.map((r) => ({ ref: runRef(r.id), newOid: null, oldOid: r.commit })),
    message: `tmt: remove ${runs.length === 1 ? `run ${runs[0]!.id}` : `${runs.length} runs`}`,
  });
  return runs.map((r) => ({ id: r.id, name: r.meta?.name, commit: r.commit }));
}

/**
 * Fetches (so selectors see the remote's runs too), then deletes the runs
 * `choose` picks on the remote and here.
 */
export async function removeEverywhere(ctx: SyncContext, choose: (runs: RunRecord[]) => RunRecord[] | Promise<RunRecord[]>): Promise<Removed[]> {
  const { store, transport } = ctx;
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    const { state } = await fetchRemote({ ...ctx, progress: undefined });
    const runs = await choose(await loadRuns(store));
    const there = runs.filter((r) => state.runs.has(r.id)).map((r) => ({ id: r.id, expect: state.runs.get(r.id)! }));
    const seen = state.notes;
    const notes = seen && there.length ? await store.notesCommit(seen, there.map((d) => ({ object: d.expect, text: null })), 'Notes removed by tmt rm\n') : seen;
    const outcome = there.length
      ? await transport.push({ runs: [], deletes: there, notes: notes && notes !== seen ? { oid: notes, expect: seen ?? null } : undefined })
      : ({ ok: true } as const);
    if (outcome.ok) {
      if (notes !== seen) await store.updateRefs([{ ref: transport.trackingNotes, newOid: notes ?? null, oldOid: seen ?? null }], `tmt: removed runs on ${transport.label}`);
      const onRemote = new Set(there.map((d) => d.id));
      return (await removeLocal(store.repo, runs)).map((r) => ({ ...r, remote: onRemote.has(r.id) }));
    }
    if (Date.now() > deadline) throw new TmtError('CONCURRENT_UPDATE', `gave up deleting on ${transport.label}: it kept moving on`, { hint: 'run the command again' });
    await sleep(backoffMs(attempt + 3));
  }
}
