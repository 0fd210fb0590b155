/**
 * A sweep's trials, by index, as PyExpUtils numbers them: with p
 * combinations, trial i runs combination i mod p for repeat i div p, so
 * indices 0..p-1 are every combination once, and a cluster array of any
 * length runs whole repeats first. Within the grid the first key changes
 * fastest; random samples come after the grid (combination c is grid point
 * c mod G of sample c div G).
 */
import { TmtError } from '../errors.js';
import { trialArgv } from './command-line.js';
import { draw } from './random.js';
import type { Scalar, SweepSpec } from './spec.js';

export interface Trial {
  index: number;
  repeat: number;
  /** Which combination of params (0..p-1); the repeats of one combination share it. */
  combination: number;
  /** In the order they reach the command. */
  params: Array<[string, Scalar]>;
  argv: string[];
}

export const DEFAULT_MAX_TRIALS = 10_000;

/** How many combinations of params the spec makes (Infinity past what counts exactly). */
export function combinationCount(spec: SweepSpec): number {
  let p = spec.random?.n ?? 1;
  for (const g of spec.grid) p *= g.values.length;
  return Number.isSafeInteger(p) ? p : Infinity;
}

export function trialCount(spec: SweepSpec): number {
  const n = combinationCount(spec) * spec.repeat;
  return Number.isSafeInteger(n) ? n : Infinity;
}

/** Refuses a sweep bigger than `max` trials: listing or running one costs time and disk in proportion. */
export function checkSize(spec: SweepSpec, max = DEFAULT_MAX_TRIALS): number {
  const n = trialCount(spec);
  if (n > max) {
    const shown = Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than 2^53';
    throw new TmtError('BAD_ARGUMENT', `${spec.file}: the sweep has ${shown} trials, over the limit of ${max.toLocaleString('en-US')}`, {
      hint: Number.isFinite(n) && n <= 10_000_000 ? `--max-trials ${n} lets it run, if you mean it` : 'sweep fewer values, or sample them with random: {n: ...}',
    });
  }
  return n;
}

export function trialAt(spec: SweepSpec, index: number): Trial {
  const p = combinationCount(spec);
  const combination = index % p;
  const repeat = Math.floor(index / p);
  const params: Array<[string, Scalar]> = [];
  let g = combination;
  for (const { key, values } of spec.grid) {
    params.push([key, values[g % values.length]!]);
    g = Math.floor(g / values.length);
  }
  const sample = g; // what is left of the combination once the grid has taken its part
  for (const { key, dist } of spec.random?.params ?? []) params.push([key, draw(dist, spec.random!.seed, sample, key)]);
  if (spec.seeded) params.push(['seed', repeat]);
  return { index, repeat, combination, params, argv: trialArgv(spec.command, params) };
}

/** Every trial, index order; call checkSize first. */
export function allTrials(spec: SweepSpec): Trial[] {
  const n = trialCount(spec);
  return Array.from({ length: n }, (_, i) => trialAt(spec, i));
}

/** `index` as a trial of the spec, or a usage error naming the range. */
export function checkIndex(spec: SweepSpec, text: string): number {
  const n = trialCount(spec);
  const i = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(i) || i >= n) {
    throw new TmtError('BAD_ARGUMENT', `--index ${JSON.stringify(text).slice(1, -1)}: ${Number.isSafeInteger(i) ? 'out of range' : 'not a trial index'}; ${spec.name} has trials 0 to ${n - 1}`, {
      hint: 'tmt sweep SPEC --list shows every trial; with SLURM: --array=0-' + (n - 1),
    });
  }
  return i;
}
