/**
 * `tmt rm`: deleting runs. Here, the run ref and its note go in one
 * compare-and-swap transaction. With a remote, the runs are deleted there
 * first, in one atomic push: each run ref only if it is still at the commit
 * tmt fetched (--force-with-lease), and the remote's notes with those notes
 * removed, only if they are still what tmt merged with; then here.
 *
 * Selectors are resolved against the runs here before anything is fetched,
 * so `last` is this clone's last run, never a teammate's newer one that the
 * fetch brought in. Only a selector that names no run here, and --where, see
 * the remote's runs; the caller is told which runs were not here before.
 */
import fs from 'node:fs';
import os from 'node:os';
import { TmtError } from '../errors.js';
import { backoffMs, sleep } from '../git/backoff.js';
import { NOTES_REF, runRef } from '../git/layout.js';
import { updateLfsKeep } from '../git/lfs-keep.js';
import { commitNotes } from '../git/notes.js';
import type { RunRecord } from '../run/read/read.js';
import { liveCommandPid, runDir } from '../run/record/run-dir.js';
import { displayStatus } from '../run/note/status.js';
import { fetchRemote } from './fetch.js';
import { pickRuns } from '../query/pick.js';
import { loadRuns } from './runs.js';
import type { LocalStore, SyncContext } from './types.js';

export interface Removal {
  id: string;
  name?: string;
  /** The commit the run ref pointed at (restore with git update-ref refs/tmt/runs/<id> <commit>). */
  commit: string;
  /** The blob of the run's note here, if it had one (restore with git notes --ref=tmt add -C <note> <commit>). */
  note?: string;
  /** Whether this clone had the run before the command (false: it came with the fetch). */
  here: boolean;
  /** With a remote: whether the remote had it (and, once deleted, no longer does). */
  remote?: boolean;
}

export interface RemoveOptions {
  selectors: readonly string[];
  where?: string;
  nowMs: number;
  /** Sees the runs before any is deleted (again if a retry finds more); throws to stop. */
  confirm(runs: readonly Removal[]): Promise<void>;
}

/** The runs `tmt rm` (no remote) would delete here. */
export async function planHere(store: LocalStore, opts: Omit<RemoveOptions, 'confirm'>): Promise<Removal[]> {
  const { runs } = pickRuns(await loadRuns(store), opts);
  return runs.map((p) => p.record).sort(byId).map((r) => removal(store, r, true));
}

/** Deletes the selected runs here only. */
export async function removeHere(store: LocalStore, opts: RemoveOptions): Promise<Removal[]> {
  const plan = await planHere(store, opts);
  await opts.confirm(plan);
  await deleteLocal(store, plan);
  return plan;
}

/** Fetches, then deletes the selected runs on the remote and here. */
export async function removeEverywhere(ctx: SyncContext, opts: RemoveOptions): Promise<Removal[]> {
  const { store, transport } = ctx;
  const before = await loadRuns(store);
  const { runs: named, unmatched: deferred } = pickRuns(before, { selectors: opts.selectors, nowMs: opts.nowMs, unmatched: 'keep' });
  const pinned = named.map((p) => p.record.id);
  const wasHere = new Set(before.map((r) => r.id));
  const confirmed = new Set<string>();
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    const { state } = await fetchRemote({ ...ctx, progress: undefined });
    const now = await loadRuns(store);
    const runsById = new Map(now.map((r) => [r.id, r]));
    const picked = new Map(pinned.flatMap((id) => (runsById.has(id) ? [[id, runsById.get(id)!] as const] : [])));
    if (deferred.length || opts.where !== undefined) for (const p of pickRuns(now, { ...opts, selectors: deferred }).runs) picked.set(p.record.id, p.record);
    const runs = [...picked.values()].sort(byId);
    const plan = runs.map((r) => ({ ...removal(store, r, wasHere.has(r.id)), remote: state.runs.has(r.id) }));
    // A retry after the remote moved on asks again only if the choice grew.
    if (attempt === 0 || plan.some((p) => !confirmed.has(p.id))) await opts.confirm(plan);
    for (const p of plan) confirmed.add(p.id);
    const there = runs.filter((r) => state.runs.has(r.id)).map((r) => ({ id: r.id, expect: state.runs.get(r.id)! }));
    const seen = state.notes;
    const notes = seen && there.length ? await store.notesCommit(seen, there.map((d) => ({ object: d.expect, text: null })), 'Notes removed by tmt rm\n') : seen;
    const outcome = there.length
      ? await transport.push({ runs: [], deletes: there, notes: notes && notes !== seen ? { oid: notes, expect: seen ?? null } : undefined })
      : ({ ok: true } as const);
    if (outcome.ok) {
      if (notes !== seen) await store.updateRefs([{ ref: transport.trackingNotes, newOid: notes ?? null, oldOid: seen ?? null }], `tmt: removed runs on ${transport.label}`);
      await deleteLocal(store, runs);
      return plan;
    }
    if (Date.now() > deadline) throw new TmtError('CONCURRENT_UPDATE', `gave up deleting on ${transport.label}: it kept moving on`, { hint: 'run the command again' });
    await sleep(backoffMs(attempt + 3));
  }
}

/**
 * What `tmt rm --remote --dry-run` would delete, changing nothing: no fetch,
 * no merge, no tracking ref; the remote is only listed (`git ls-remote`). A
 * selector that names no run here is matched against the remote's run ids;
 * --where sees the runs here only (names and metadata there need a fetch).
 */
export async function planRemoval(ctx: SyncContext, opts: Omit<RemoveOptions, 'confirm'>): Promise<Removal[]> {
  const [local, listed] = await Promise.all([loadRuns(ctx.store), ctx.transport.list()]);
  // A --where that matches none here is no verdict: the real command matches the remote's runs too, after its fetch.
  const { runs: here, unmatched: deferred } = pickRuns(local, { ...opts, unmatched: 'keep', noMatch: 'empty' });
  const out = new Map<string, Removal>();
  for (const { record: r } of here) out.set(r.id, { ...removal(ctx.store, r, true), remote: listed.runs.has(r.id) });
  for (const selector of deferred) {
    const ids = [...listed.runs.keys()].filter((id) => /^[0-9a-z]+$/.test(selector) && id.startsWith(selector));
    if (ids.length !== 1) {
      throw new TmtError(ids.length ? 'BAD_ARGUMENT' : 'NOT_FOUND', `no run here matches "${selector}", and ${ids.length ? `it fits ${ids.length} runs` : 'no run id'} on ${ctx.transport.label}`, {
        hint: ids.length ? 'type more characters of the id' : `the remote's runs are known here by id only until fetched: tmt fetch ${ctx.transport.label}, then --dry-run again`,
      });
    }
    out.set(ids[0]!, { id: ids[0]!, commit: listed.runs.get(ids[0]!)!, here: false, remote: true });
  }
  return [...out.values()].sort(byId);
}

/**
 * A run recording right now on this host keeps its run directory and ref
 * until it ends; so does a stale one whose command outlived its tmt.
 */
function assertNotRecording(store: LocalStore, r: RunRecord): void {
  if (!r.meta || r.meta.host?.hostname !== os.hostname()) return;
  const status = displayStatus(r.meta);
  if (status === 'running') {
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} is still recording (pid ${r.meta.host.pid ?? '?'})`, { hint: 'stop the command first (Ctrl-C saves it as killed), then delete it' });
  }
  const command = status === 'stale' ? liveCommandPid(runDir(store.repo, r.id)) : undefined;
  if (command !== undefined) {
    throw new TmtError('BAD_ARGUMENT', `run ${r.id} lost its tmt, but its command (pid ${command}) still runs and writes there`, { hint: `stop it (kill ${command}) or let it end, then delete the run` });
  }
}

function removal(store: LocalStore, r: RunRecord, here: boolean): Removal {
  assertNotRecording(store, r);
  return { id: r.id, name: r.meta?.name, commit: r.commit, ...(here && r.noteBlob ? { note: r.noteBlob } : {}), here };
}

/**
 * Deletes runs here, in one transaction: with git, through commitNotes
 * (retried while other writers move the notes); without git, through the
 * store's compare-and-swap.
 */
async function deleteLocal(store: LocalStore, runs: ReadonlyArray<{ id: string; commit: string }>): Promise<void> {
  if (runs.length === 0) return;
  await deleteRefsAndNotes(store, runs);
  // A stale run's directory (what its dead recorder had captured) goes with it.
  for (const r of runs) fs.rmSync(runDir(store.repo, r.id).root, { recursive: true, force: true });
}

async function deleteRefsAndNotes(store: LocalStore, runs: ReadonlyArray<{ id: string; commit: string }>): Promise<void> {
  const refs = runs.map((r) => ({ ref: runRef(r.id), newOid: null, oldOid: r.commit }));
  const message = `tmt: remove ${runs.length === 1 ? `run ${runs[0]!.id}` : `${runs.length} runs`}`;
  if (store.native) {
    await commitNotes(store.repo, { notes: runs.map((r) => ({ object: r.commit, text: null })), refs, message });
    // After the refs: a crash in between keeps objects a little longer, never drops one a run uses.
    await updateLfsKeep(store.repo, { drop: runs.map((r) => r.id) });
    return;
  }
  for (let attempt = 0; ; attempt++) {
    const tip = (await store.readRefs([NOTES_REF])).get(NOTES_REF);
    const next = tip ? await store.notesCommit(tip, runs.map((r) => ({ object: r.commit, text: null })), `${message}\n`) : undefined;
    const conflict = await store.updateRefs([...refs, ...(next !== tip ? [{ ref: NOTES_REF, newOid: next ?? null, oldOid: tip ?? null }] : [])], message);
    if (!conflict) return;
    if (conflict.ref !== NOTES_REF || attempt >= 20) throw new TmtError('CONCURRENT_UPDATE', `${conflict.ref} was changed by another process`, { hint: 'run the command again' });
    await sleep(backoffMs(attempt));
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : 1;
}
