/**
 * A remote may hold any ref under refs/tmt/runs/; only those named by a tmt
 * run id (src/run/note/id.ts) are runs. Every state a transport reports passes
 * through here before a local ref is made from it, so a name like
 * `refs/tmt/runs/x/../../HEAD` or `refs/tmt/runs/main` never becomes one.
 */
import { RUNS_PREFIX } from '../git/layout.js';
import { RUN_ID_PATTERN } from '../run/note/id.js';
import type { RemoteState, Transport } from './types.js';

/** `state` without the runs whose id is not a run id (they are listed in `ignored`). */
export function onlyRuns(state: RemoteState): RemoteState {
  const ignored = [...(state.ignored ?? [])];
  const runs = new Map<string, string>();
  for (const [id, oid] of state.runs) {
    if (RUN_ID_PATTERN.test(id)) runs.set(id, oid);
    else ignored.push(RUNS_PREFIX + id);
  }
  return { runs, notes: state.notes, ignored };
}

/** The transport, with every state it reports filtered by onlyRuns. */
export function runsOnly(transport: Transport): Transport {
  return {
    label: transport.label,
    trackingNotes: transport.trackingNotes,
    trackingRuns: transport.trackingRuns,
    list: async () => onlyRuns(await transport.list()),
    fetch: async (state, opts) => onlyRuns(await transport.fetch(state, opts)),
    push: (request) => transport.push(request),
    ...(transport.lfs ? { lfs: transport.lfs } : {}),
  };
}

/** One line about refs left alone, their names quoted (a name may hold control characters). */
export function describeIgnored(remote: string, ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const names = ignored.slice(0, 3).map((r) => JSON.stringify(r)).join(', ');
  return `ignored ${ignored.length} ref${ignored.length === 1 ? '' : 's'} on ${remote} that ${ignored.length === 1 ? 'is' : 'are'} not a tmt run: ${names}${ignored.length > 3 ? ', ...' : ''}`;
}
