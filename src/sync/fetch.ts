/**
 * `tmt fetch` / `tmt pull`: the remote's runs and notes into the tracking
 * refs, then merged into the local runs and notes (integrate.ts).
 */
import { integrate, type IntegrateResult } from './integrate.js';
import type { DamagedNote } from './note-index.js';
import { describeIgnored } from './remote-runs.js';
import type { RemoteState, SyncContext } from './types.js';

export interface FetchSummary extends IntegrateResult {
  remote: string;
  /** Runs the remote has. */
  remoteRuns: number;
  upToDate: boolean;
  /** Refs under refs/tmt/runs/ there that are not tmt runs, left alone. */
  ignored: string[];
}

/** Fetches and merges; returns what changed here and the state that was fetched. */
export async function fetchRemote(ctx: SyncContext): Promise<FetchSummary & { state: RemoteState }> {
  const { transport, progress } = ctx;
  if (progress && !progress.tty) progress.line(`tmt: fetching runs from ${transport.label}`);
  const listed = await transport.list();
  const state = await transport.fetch(listed, { runs: true });
  const merged = await integrate(ctx, state);
  const changed = merged.created.length + merged.forwarded.length + merged.merged.length;
  const ignored = [...new Set([...(listed.ignored ?? []), ...(state.ignored ?? [])])];
  return { remote: transport.label, remoteRuns: state.runs.size, upToDate: changed === 0 && !merged.notesChanged, ignored, ...merged, state };
}

/** One line: what a fetch brought. */
export function describeFetch(s: FetchSummary): string {
  const warnings = [
    describeIgnored(s.remote, s.ignored),
    describeDeletedThere(s),
    ...s.damaged.map((d) => describeDamaged(s.remote, d)),
    ...s.collisions.map((id) => describeCollision(s.remote, id)),
  ].filter(Boolean);
  return [describeChanges(s), ...warnings.map((w) => `warning: ${w}`)].join('\n');
}

function describeDeletedThere(s: FetchSummary): string | undefined {
  const n = s.deletedThere.length;
  if (n === 0) return undefined;
  const ids = s.deletedThere.join(' '); // all of them: the command is meant to be run as printed
  return `${n} run${n === 1 ? ' was' : 's were'} deleted on ${s.remote} but ${n === 1 ? 'is' : 'are'} still here (tmt push would send ${n === 1 ? 'it' : 'them'} back): tmt rm ${ids} deletes ${n === 1 ? 'it' : 'them'} here too`;
}

function describeChanges(s: FetchSummary): string {
  if (s.upToDate) return `up to date with ${s.remote} (${s.remoteRuns} run${s.remoteRuns === 1 ? '' : 's'} there)`;
  const parts = [
    `${s.created.length} new run${s.created.length === 1 ? '' : 's'}`,
    ...(s.forwarded.length ? [`${s.forwarded.length} updated`] : []),
    ...(s.merged.length ? [`${s.merged.length} merged (outputs added on both sides)`] : []),
    ...(s.fieldMerged.length ? [`${s.fieldMerged.length} edited on both sides, merged field by field`] : []),
  ];
  return `fetched from ${s.remote}: ${parts.join(', ')}${s.notesChanged ? '; notes merged' : ''}`;
}

function describeCollision(remote: string, id: string): string {
  return `${remote} has a run ${id} that is not the same run as here (its history shares nothing with run ${id} here, or its commit is another run's here): left out, and the local runs are unchanged (fetch it into a separate clone to look at it)`;
}

function describeDamaged(remote: string, d: DamagedNote): string {
  if (d.misplaced) return `a note from ${remote} on commit ${d.object.slice(0, 12)} is not run ${d.runId}'s (${d.why}): left out, and no local run was changed by it`;
  return `run ${d.runId} came from ${remote} with a damaged note (${d.why}): it is listed as unreadable; a fixed note (git notes --ref=tmt edit ${d.object.slice(0, 12)}) or tmt rm on the clone that pushed it mends it everywhere`;
}
