/**
 * Brings a fetched remote state into the local runs and notes, losing nothing.
 *
 * Runs: new ones are created, newer ones fast-forwarded, and a run both sides
 * gave new outputs is merged (merge-run.ts). Notes: git's own three-way notes
 * merge makes the union (each run has its own note, so most merges are just
 * that); a run whose note both sides changed is then merged field by field
 * (merge-meta.ts), and a run that still exists keeps a note even where one
 * side removed it. The result is one merge commit with both notes tips as
 * parents, published with compare-and-swap together with the run refs, and
 * retried if a local writer got in first. Nothing local changes before every
 * note the remote sent has been read as tmt's.
 *
 * What a remote cannot do (note-index.ts, plan-runs.ts): make a note count for
 * a run other than the one whose ref points at the commit it is on, replace
 * a local run with an unrelated one under the same id, or win every later
 * merge with a timestamp from the future (merge-meta.ts, clampEdited).
 */
import { TmtError } from '../errors.js';
import { backoffMs, sleep } from '../git/backoff.js';
import { NOTES_REF, runRef } from '../git/layout.js';
import { assertLockNotStale, lockedError } from '../git/refs.js';
import { serializeMeta, type RunMeta } from '../run/note/metadata.js';
import { clampEdited, mergeMeta, sameRecord } from './merge-meta.js';
import { mergeRunOutputs } from './merge-run.js';
import { indexChanges, type DamagedNote, type RunNoteChanges } from './note-index.js';
import { planRuns, type RunPlan } from './plan-runs.js';
import type { NoteChange, NoteEdit, RefUpdate, RemoteState, SyncContext } from './types.js';

export interface IntegrateResult {
  created: string[];
  forwarded: string[];
  /** Runs both sides gave new outputs. */
  merged: string[];
  /** Runs whose note both sides changed, merged field by field. */
  fieldMerged: string[];
  /** Runs here that were deleted on the remote since the last exchange (a push would bring them back). */
  deletedThere: string[];
  /** Runs whose note on the remote is damaged: taken as it is, listed as unreadable (a local edit wins). */
  damaged: DamagedNote[];
  /** Ids the remote uses for a run unrelated to the local run of that id: left alone. */
  collisions: string[];
  notesChanged: boolean;
}

export async function integrate(ctx: SyncContext, remote: RemoteState): Promise<IntegrateResult> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    const { store } = ctx;
    const [localRuns, refs] = await Promise.all([store.runRefs(), store.readRefs([NOTES_REF])]);
    const local = refs.get(NOTES_REF);
    const plan = await planRuns(store, localRuns, remote.runs);
    const notes = await planNotes(ctx, local, remote, plan, localRuns);
    const updates: RefUpdate[] = [...plan.updates];
    if (notes.tip !== local) updates.push({ ref: NOTES_REF, newOid: notes.tip ?? null, oldOid: local ?? null });
    const conflict = updates.length ? await store.updateRefs(updates, `tmt: merge runs from ${ctx.transport.label}`) : undefined;
    if (!conflict) {
      return {
        created: plan.created,
        forwarded: plan.forwarded,
        merged: notes.mergedRuns,
        fieldMerged: notes.fieldMerged,
        deletedThere: notes.deletedThere,
        damaged: notes.damaged,
        collisions: plan.collisions.map((c) => c.id),
        notesChanged: notes.tip !== local,
      };
    }
    if (conflict.kind === 'locked') assertLockNotStale(conflict);
    if (Date.now() > deadline) {
      if (conflict.kind === 'locked') throw lockedError(conflict);
      throw new TmtError('CONCURRENT_UPDATE', `gave up merging from ${ctx.transport.label}: ${conflict.ref} kept changing`, { hint: 'run the command again' });
    }
    await sleep(backoffMs(attempt));
  }
}

interface NotesPlan {
  tip: string | undefined;
  mergedRuns: string[];
  fieldMerged: string[];
  deletedThere: string[];
  damaged: DamagedNote[];
}

async function planNotes(ctx: SyncContext, local: string | undefined, remote: RemoteState, plan: RunPlan, localRuns: ReadonlyMap<string, string>): Promise<NotesPlan> {
  const { store } = ctx;
  const theirs = remote.notes;
  const base = local && theirs ? (local === theirs ? local : await store.mergeBase(local, theirs)) : undefined;
  const [dl, dr] = await Promise.all([
    local && local !== base ? store.notesDiff(base, local) : [],
    theirs && theirs !== base ? store.notesDiff(base, theirs) : [],
  ]);
  const { byId, damaged, pinned } = await indexChanges(store, dl, dr, ctx.transport.label, { local: localRuns, remote: remote.runs });
  const edits: NoteEdit[] = [...pinned, ...(await pinCollisions(store, plan, dl, dr))];
  const result: NotesPlan = { tip: local, mergedRuns: [], fieldMerged: [], deletedThere: [], damaged };
  const handled = new Set<string>(plan.collisions.map((c) => c.id)); // never merged: not this run
  const diverged = new Map(plan.diverged.map((d) => [d.id, d]));
  const now = ctx.now();
  const clamped = new Set<string>();

  for (const [id, ch] of byId) {
    const theirsNow = ch.remote?.now;
    if (theirsNow) {
      const meta = clampEdited(theirsNow.meta, now, ch.local?.now?.meta, ch.base?.meta);
      if (meta !== theirsNow.meta) clamped.add(id);
      theirsNow.meta = meta;
    }
    if (handled.has(id) || !ch.local || !ch.remote || !plan.final.has(id)) continue;
    handled.add(id);
    const merged = mergeNotes(ch);
    if (!merged) continue;
    const l = ch.local.now;
    if (l && l.object === ch.remote.now?.object && l.text === ch.remote.now.text && !diverged.has(id)) continue; // the same edit on both sides
    let target = plan.final.get(id)!;
    let meta = merged;
    const d = diverged.get(id);
    if (d && ch.local.now && ch.remote.now) {
      if (!store.native) {
        throw new TmtError('GIT_MISSING', `run ${id} gained outputs on both sides; merging them needs git installed`, { hint: 'install git and run the command again' });
      }
      const m = await mergeRunOutputs(store.repo, { commit: d.local, meta: ch.local.now.meta }, { commit: d.remote, meta: ch.remote.now.meta }, ch.base?.meta, merged);
      target = m.commit;
      meta = m.meta;
      plan.updates.push({ ref: runRef(id), newOid: target, oldOid: d.local });
      plan.final.set(id, target);
      result.mergedRuns.push(id);
    } else if (ch.local.now && ch.remote.now) {
      // The merge kept the local record as it is: its note stays byte for byte.
      if (l && l.object === target && sameRecord(meta, l.meta)) continue;
      result.fieldMerged.push(id);
    }
    edits.push({ object: target, text: serializeMeta(meta) });
    const stale = new Set([...ch.local.objects, ...ch.remote.objects, ...(ch.base ? [ch.base.object] : [])]);
    for (const o of stale) if (o !== target) edits.push({ object: o, text: null });
  }

  for (const d of plan.diverged) {
    if (!result.mergedRuns.includes(d.id)) {
      throw new TmtError('CONCURRENT_UPDATE', `run ${d.id} differs here and on ${ctx.transport.label}, and one side has no readable note to merge by`, {
        hint: `compare them with git log refs/tmt/runs/${d.id} ${d.remote}`,
        data: { run: d.id },
      });
    }
  }

  // A run that still exists keeps its note, even where one side removed it (tmt rm on one clone).
  const finalCommits = new Map([...plan.final].map(([id, c]) => [c, id]));
  for (const [id, ch] of byId) {
    if (handled.has(id)) continue;
    // Taken from the remote as it is, unless its edit time had to be clamped.
    const taken = !ch.local ? ch.remote?.now : undefined;
    if (taken && clamped.has(id) && taken.object === plan.final.get(id)) edits.push({ object: taken.object, text: serializeMeta(taken.meta) });
    const side = ch.local ?? ch.remote;
    const removed = [...(side?.objects ?? [])].find((o) => finalCommits.get(o) === id && side!.now?.object !== o);
    if (removed && ch.base) edits.push({ object: removed, text: ch.base.text });
    // The remote dropped both the run and its note (tmt rm --remote elsewhere), and it lives on here.
    if (ch.remote && !ch.remote.now && ch.base && !remote.runs.has(id) && plan.final.has(id)) result.deletedThere.push(id);
  }

  const message = `Notes merged by tmt from ${ctx.transport.label}\n`;
  if (!theirs || (local && base === theirs)) result.tip = await store.notesCommit(local, edits, message);
  else if (!local || base === local) result.tip = await store.notesCommit(theirs, edits, message);
  else result.tip = await store.notesMerge(local, theirs, edits, message, ctx.now());
  return result;
}

/**
 * A colliding run (same id, unrelated history) keeps its note exactly as it
 * is here, whatever the remote did to the note on that commit, removal
 * included.
 */
async function pinCollisions(store: SyncContext['store'], plan: RunPlan, local: readonly NoteChange[], remote: readonly NoteChange[]): Promise<NoteEdit[]> {
  const pins: Array<{ object: string; blob: string | null }> = [];
  for (const c of plan.collisions) {
    const theirs = remote.find((ch) => ch.object === c.local);
    if (!theirs) continue;
    const mine = local.find((ch) => ch.object === c.local);
    pins.push({ object: c.local, blob: mine ? mine.after : theirs.before });
  }
  const texts = await store.readTexts(pins.flatMap((p) => (p.blob ? [p.blob] : [])));
  return pins.map((p) => ({ object: p.object, text: p.blob ? (texts.get(p.blob) ?? null) : null }));
}

/** The run's record after both sides' changes (the common version when both removed its note while the run lives on). */
function mergeNotes(ch: RunNoteChanges): RunMeta | null {
  const l = ch.local?.now;
  const r = ch.remote?.now;
  if (l && r) return l.text === r.text ? l.meta : mergeMeta(ch.base?.meta, l.meta, r.meta);
  return l?.meta ?? r?.meta ?? ch.base?.meta ?? null;
}
