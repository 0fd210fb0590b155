/**
 * `tmt push`: the selected run refs and the notes, in one atomic push. The
 * notes go with --force-with-lease on what tmt last saw of the remote's notes
 * (and merged): if someone pushed since, the push is refused, tmt fetches,
 * merges and tries again with backoff. It never replaces the remote's notes
 * blindly, and a first push from a clone that never fetched merges too (its
 * lease says "no notes there yet").
 */
import { isTmtError, TmtError } from '../errors.js';
import { backoffMs, sleep } from '../git/backoff.js';
import { NOTES_REF } from '../git/layout.js';
import { sendLfsObjects } from './push-lfs.js';
import type { NoteChange, SyncContext } from './types.js';

// Loaded only when needed: a push that meets no changes elsewhere stays light (bench:remote).
const mergeFromRemote = async (ctx: SyncContext) => (await import('./fetch.js')).fetchRemote({ ...ctx, progress: undefined });

export interface PushSummary {
  remote: string;
  /** Run refs created or moved on the remote. */
  runsPushed: number;
  notesPushed: boolean;
  /** How many times the remote had moved on and was merged first. */
  merges: number;
  /** LFS objects handed to git-lfs for upload (it skips those the remote has). */
  lfsObjects: number;
}

/** `ids` undefined: every local run. */
export async function pushRemote(ctx: SyncContext, ids: readonly string[] | undefined): Promise<PushSummary> {
  const { store, transport, progress } = ctx;
  const deadline = Date.now() + 120_000;
  let merges = 0;
  /** A remote lock file that has refused us, and since when: another push holds one for milliseconds. */
  let blocked: { lock: string; since: number; times: number } | undefined;
  // Before any ref moves there: the remote never holds a pointer without its object.
  const lfs = await sendLfsObjects(ctx, ids);
  for (let attempt = 0; ; attempt++) {
    // After an upload that took its time, read the notes afresh: they must be the ones of the runs now pushed.
    const refs = await store.readRefs([NOTES_REF, transport.trackingNotes], { fresh: lfs.objects > 0 });
    const local = refs.get(NOTES_REF);
    const seen = refs.get(transport.trackingNotes);
    let changes: NoteChange[] | undefined;
    if (seen && seen !== local) {
      // Whether we merged what we last saw of the remote, and (for a push of everything) what changed since, at once.
      const [merged, diff] = await Promise.all([local ? store.isAncestor(seen, local) : false, local && !ids ? store.notesDiff(seen, local) : undefined]);
      if (!merged) {
        await mergeFromRemote(ctx);
        merges++;
        continue;
      }
      changes = diff;
    }
    // Everything, and no note removed since the last push: the local notes as they are.
    const plain = local === seen || (!ids && (!seen || changes!.every((c) => c.after !== null)));
    const notes = plain || !local ? local : await (await import('./push-notes.js')).notesToPush(store, local, seen, ids);
    if (progress && !progress.tty && attempt === 0) progress.line(`tmt: pushing ${ids ? `${ids.length} run${ids.length === 1 ? '' : 's'}` : 'all runs'} to ${transport.label}`);
    const outcome = await transport
      .push({ runs: ids ?? 'all', deletes: [], notes: notes && notes !== seen ? { oid: notes, expect: seen ?? null } : undefined })
      .catch(async (err: unknown) => {
        throw isTmtError(err, 'MISSING_OBJECTS') ? ((await whichRunIsBroken(ctx, ids)) ?? err) : err;
      });
    if (outcome.ok) {
      if (notes && notes !== seen) await store.updateRefs([{ ref: transport.trackingNotes, newOid: notes, oldOid: seen ?? null }], `tmt: pushed to ${transport.label}`);
      return { remote: transport.label, runsPushed: outcome.runsUpdated, notesPushed: outcome.notesUpdated, merges, lfsObjects: lfs.objects };
    }
    blocked = outcome.lock === undefined ? undefined : blocked?.lock === outcome.lock ? { ...blocked, times: blocked.times + 1 } : { lock: outcome.lock, since: Date.now(), times: 1 };
    if (blocked && blocked.times >= 4 && Date.now() - blocked.since > 3_000) {
      throw new TmtError('LOCKED', `${transport.label} has a lock file that stays: ${blocked.lock}`, {
        hint: `a git process there may have crashed; if no other push to ${transport.label} is running, remove that file there and push again`,
        data: { lock: blocked.lock },
      });
    }
    if (Date.now() > deadline) {
      throw new TmtError('CONCURRENT_UPDATE', `gave up pushing to ${transport.label}: it kept moving on (${outcome.reason})`, { hint: 'run the command again' });
    }
    if (progress && !progress.tty) progress.line(`tmt: ${transport.label} moved on (${outcome.reason}); merging and pushing again`);
    await sleep(backoffMs(attempt + 3));
    await mergeFromRemote(ctx);
    merges++;
  }
}

/** The first run (of those pushed) with objects missing here, as an error that names it. */
async function whichRunIsBroken(ctx: SyncContext, ids: readonly string[] | undefined): Promise<TmtError | undefined> {
  const runs = await ctx.store.runRefs();
  for (const id of ids ?? [...runs.keys()]) {
    const missing = await ctx.store.missingObjects(runs.get(id)!);
    if (missing.length === 0) continue;
    return new TmtError('MISSING_OBJECTS', `run ${id} cannot be pushed: ${missing.length > 1 ? 'objects' : 'an object'} it needs ${missing.length > 1 ? 'are' : 'is'} missing here (${missing.slice(0, 3).join(', ')})`, {
      hint: `run git fsck to see the damage; if a remote has the run, tmt fetch gets it again; or push the other runs by name`,
      data: { run: id, missing },
    });
  }
  return undefined;
}

export function describePush(s: PushSummary): string {
  const merged = s.merges ? `, after merging what was there ${s.merges === 1 ? 'once' : `${s.merges} times`}` : '';
  if (!s.runsPushed) return s.notesPushed ? `pushed notes to ${s.remote} (no new runs)${merged}` : `nothing to push: ${s.remote} is up to date`;
  const lfs = s.lfsObjects ? ` (with ${s.lfsObjects} LFS object${s.lfsObjects === 1 ? '' : 's'})` : '';
  return `pushed ${s.runsPushed} run${s.runsPushed === 1 ? '' : 's'}${s.notesPushed ? ' and notes' : ''} to ${s.remote}${lfs}${merged}`;
}
