/**
 * `tmt list --remote`: what a remote has that is not here yet, from `git
 * ls-remote` (no objects fetched). Names and statuses come from the remote's
 * notes, which are fetched into the tracking ref only (small: the metadata,
 * not the runs' code or outputs); nothing local changes.
 */
import type { RunMeta } from '../run/note/metadata.js';
import { parseNote } from './note-index.js';
import { planRuns } from './plan-runs.js';
import type { SyncContext } from './types.js';

export interface RemoteRun {
  id: string;
  commit: string;
  /** new: not here at all; newer: the remote's version is ahead of this one; diverged: both changed it. */
  state: 'new' | 'newer' | 'diverged';
  meta?: RunMeta;
}

export async function listRemote(ctx: SyncContext): Promise<{ remote: string; total: number; runs: RemoteRun[] }> {
  const { store, transport } = ctx;
  const listed = await transport.list();
  const fetched = listed.notes ? await transport.fetch(listed, { runs: false }) : { notes: undefined };
  const local = await store.runRefs();
  const differing = [...listed.runs].filter(([id, c]) => local.get(id) !== c);
  // Which of two versions is newer can be told only when the remote's commit is here (fetched before).
  const here = await store.commitParents(differing.filter(([id]) => local.has(id)).map(([, c]) => c));
  const plan = await planRuns(store, local, new Map(differing.filter(([id, c]) => local.has(id) && here.has(c))));
  const diverged = new Set(plan.diverged.map((d) => d.id));
  const runs: RemoteRun[] = [];
  for (const [id, commit] of differing) {
    if (!local.has(id)) runs.push({ id, commit, state: 'new' });
    else if (!here.has(commit) || plan.forwarded.includes(id)) runs.push({ id, commit, state: 'newer' });
    else if (diverged.has(id)) runs.push({ id, commit, state: 'diverged' });
  }
  if (fetched.notes && runs.length) await describe(ctx, fetched.notes, runs);
  return { remote: transport.label, total: listed.runs.size, runs: runs.sort((a, b) => (a.id < b.id ? 1 : -1)) };
}

async function describe(ctx: SyncContext, notes: string, runs: RemoteRun[]): Promise<void> {
  const blobs = new Map((await ctx.store.notesDiff(undefined, notes)).map((c) => [c.object, c.after!]));
  const texts = await ctx.store.readTexts(runs.flatMap((r) => (blobs.has(r.commit) ? [blobs.get(r.commit)!] : [])));
  for (const r of runs) {
    const text = texts.get(blobs.get(r.commit) ?? '');
    if (text === undefined) continue;
    try {
      r.meta = await parseNote(text);
    } catch {
      /* shown without a name */
    }
  }
}
