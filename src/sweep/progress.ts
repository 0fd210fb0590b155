/**
 * Which trials of a sweep have run: the sweep's runs (found by the name in
 * their note, through the catalog's sweep column) matched to its trials. A
 * trial is its command line and repeat, not its index: growing a grid
 * renumbers trials but keeps what ran. The directory the sweep ran from is
 * part of it too: two experiments' sweep.yaml (one default name) never count
 * each other's runs. When two trials share a command line (random choices
 * that came out alike) the run's recorded index decides.
 */
import type { Repo } from '../git/repo.js';
import type { RunMeta } from '../run/note/metadata.js';
import { withCatalog } from '../run/read/read.js';
import { displayStatus, type DisplayStatus } from '../run/note/status.js';
import type { Trial } from './trials.js';

export interface SweepRun {
  id: string;
  status: DisplayStatus;
  /** The code tree it ran. */
  tree: string;
  /** The index its note records (which may be from an earlier version of the spec). */
  index: number;
  metrics: RunMeta['metrics'];
  /** The host it ran on, as its note says. */
  host?: string;
}

export interface TrialProgress {
  trial: Trial;
  /** Its runs, oldest first. */
  runs: SweepRun[];
  /** Its newest finished run. */
  finished?: SweepRun;
  /** A run of it is running now (on this host, alive; from another host, as last recorded). */
  running: boolean;
}

export interface SweepProgress {
  trials: TrialProgress[];
  /** Runs of the sweep that match no trial of the spec as it is now (it changed since). */
  strays: SweepRun[];
}

/** What makes a trial that trial: where it runs from (relative to the top), its repeat and its command line. */
export const trialIdentity = (dir: string, repeat: number, argv: readonly string[]): string => JSON.stringify([dir, repeat, ...argv]);

/** `dir`: the directory the sweep runs from, relative to the top of the working tree ('' for the top). */
export async function sweepProgress(repo: Repo, name: string, trials: readonly Trial[], dir: string): Promise<SweepProgress> {
  const runs = await withCatalog(repo, (catalog) => {
    const sweeps = catalog.column('sweep') as ReadonlyArray<{ name?: unknown } | null>;
    const out: Array<SweepRun & { key: string }> = [];
    sweeps.forEach((s, row) => {
      if (s?.name !== name) return;
      const meta = catalog.meta(row);
      if (!meta?.sweep || !meta.command) return;
      const key = trialIdentity(meta.command.dir ?? '', meta.sweep.repeat, meta.command.argv);
      out.push({ id: meta.id, status: displayStatus(meta), tree: meta.git.tree, index: meta.sweep.index, metrics: meta.metrics, host: meta.host?.hostname, key });
    });
    return out; // run ids sort by start time: oldest first
  });
  return matchRuns(trials, runs, dir);
}

export function matchRuns(trials: readonly Trial[], runs: ReadonlyArray<SweepRun & { key: string }>, dir = ''): SweepProgress {
  const progress = trials.map((trial): TrialProgress => ({ trial, runs: [], running: false }));
  const byKey = new Map<string, TrialProgress[]>();
  for (const p of progress) {
    const key = trialIdentity(dir, p.trial.repeat, p.trial.argv);
    const list = byKey.get(key);
    if (list) list.push(p);
    else byKey.set(key, [p]);
  }
  const strays: SweepRun[] = [];
  const place = (run: SweepRun & { key: string }) => {
    const bucket = byKey.get(run.key);
    if (!bucket) return strays.push(strip(run));
    const target = bucket.find((p) => p.trial.index === run.index) ?? (run.status === 'finished' ? bucket.find((p) => !p.finished) : undefined) ?? bucket[0]!;
    const r = strip(run);
    target.runs.push(r);
    if (r.status === 'finished') target.finished = r;
    if (r.status === 'running') target.running = true;
    return undefined;
  };
  // Runs that name their trial's index first, so that the others fill what is left.
  const exact = (run: SweepRun & { key: string }) => !!byKey.get(run.key)?.some((p) => p.trial.index === run.index);
  runs.filter(exact).forEach(place);
  runs.filter((r) => !exact(r)).forEach(place);
  for (const p of progress) {
    p.runs.sort((a, b) => (a.id < b.id ? -1 : 1));
    p.finished = [...p.runs].reverse().find((r) => r.status === 'finished');
  }
  return { trials: progress, strays };
}

function strip(run: SweepRun & { key: string }): SweepRun {
  const { key: _, ...rest } = run;
  return rest;
}
