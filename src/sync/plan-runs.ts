/**
 * Which local run refs a fetch creates or moves. A run commit that gained
 * outputs keeps the commit it replaced as a later parent (see src/git/layout.ts), so
 * "the remote's run is newer" is plain ancestry, found by walking those later
 * parents only: parent 1 is the user's code history, which never holds run
 * commits. Two versions of a run are the same run only if their histories
 * meet: a remote run that merely reuses a local id (its commits share none
 * with the local run's) is an id collision, left alone and reported.
 */
import { runRef } from '../git/layout.js';
import type { LocalStore, RefUpdate } from './types.js';

export interface RunPlan {
  /** Creates and fast-forwards of local run refs. */
  updates: RefUpdate[];
  created: string[];
  forwarded: string[];
  /** Both sides moved the run on from a common commit. */
  diverged: Array<{ id: string; local: string; remote: string }>;
  /** The remote has a run under a local run's id whose history shares no commit with it: not this run. */
  collisions: Array<{ id: string; local: string; remote: string }>;
  /** run id → the commit it will be at. */
  final: Map<string, string>;
}

export async function planRuns(store: LocalStore, local: ReadonlyMap<string, string>, remote: ReadonlyMap<string, string>): Promise<RunPlan> {
  const plan: RunPlan = { updates: [], created: [], forwarded: [], diverged: [], collisions: [], final: new Map(local) };
  const differing: Array<{ id: string; local: string; remote: string }> = [];
  const localIdAt = new Map([...local].map(([id, c]) => [c, id]));
  for (const [id, rc] of remote) {
    const lc = local.get(id);
    if (lc === rc) continue;
    const other = localIdAt.get(rc);
    if (lc === undefined && other !== undefined) {
      // A second id for a commit that is already a local run: not a run of its own.
      plan.collisions.push({ id, local: local.get(other)!, remote: rc });
      continue;
    }
    if (lc === undefined) {
      plan.updates.push({ ref: runRef(id), newOid: rc, oldOid: null });
      plan.created.push(id);
      plan.final.set(id, rc);
    } else differing.push({ id, local: lc, remote: rc });
  }
  if (differing.length === 0) return plan;
  const reach = await laterParentClosure(store, differing.flatMap((d) => [d.local, d.remote]));
  for (const d of differing) {
    if (reach.get(d.local)!.has(d.remote)) continue; // local is ahead
    if (reach.get(d.remote)!.has(d.local)) {
      plan.updates.push({ ref: runRef(d.id), newOid: d.remote, oldOid: d.local });
      plan.forwarded.push(d.id);
      plan.final.set(d.id, d.remote);
    } else if (meets(reach.get(d.local)!, reach.get(d.remote)!)) plan.diverged.push(d);
    else plan.collisions.push(d);
  }
  return plan;
}

function meets(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** For each start commit, every commit reachable through parents 2 and up, the start included. */
async function laterParentClosure(store: LocalStore, starts: readonly string[]): Promise<Map<string, Set<string>>> {
  const parents = new Map<string, string[]>();
  let frontier = [...new Set(starts)];
  while (frontier.length) {
    const read = await store.commitParents(frontier);
    const next: string[] = [];
    for (const oid of frontier) {
      const ps = read.get(oid) ?? [];
      parents.set(oid, ps);
      for (const p of ps.slice(1)) if (!parents.has(p)) next.push(p);
    }
    frontier = [...new Set(next)].filter((p) => !parents.has(p));
  }
  const out = new Map<string, Set<string>>();
  for (const s of starts) {
    const seen = new Set<string>([s]);
    const stack = [s];
    while (stack.length) for (const p of (parents.get(stack.pop()!) ?? []).slice(1)) if (!seen.has(p)) seen.add(p), stack.push(p);
    out.set(s, seen);
  }
  return out;
}
