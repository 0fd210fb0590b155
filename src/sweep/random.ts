/**
 * Random search: each param's value in sample s is drawn from its own stream,
 * a hash of (seed, s, param name). So a sample never depends on n or on the
 * other params: raising n adds samples and keeps the ones that ran, adding a
 * param leaves the others' values alone, and two machines list the same
 * values. Floats keep 6 significant digits: a flag like --wd 0.000123457
 * reads back as the param recorded.
 */
import { createHash } from 'node:crypto';
import type { Scalar } from './spec.js';

export type Distribution =
  | { kind: 'uniform' | 'loguniform'; low: number; high: number }
  | { kind: 'randint'; low: number; high: number }
  | { kind: 'choice'; values: Scalar[] };

interface DistributionKind {
  example: string;
  /** What is wrong with these arguments, or undefined. */
  check(args: Scalar[]): string | undefined;
  build(args: Scalar[]): Distribution;
}

const bounds = (args: Scalar[]): string | undefined =>
  args.length !== 2 || !args.every((a) => typeof a === 'number') ? 'takes two numbers, [low, high]' : !((args[0] as number) < (args[1] as number)) ? `needs low < high, not [${args.join(', ')}]` : !Number.isFinite((args[1] as number) - (args[0] as number)) ? 'needs bounds closer together: their difference is not a finite number' : undefined;

export const DISTRIBUTIONS: Record<'uniform' | 'loguniform' | 'randint' | 'choice', DistributionKind> = {
  uniform: { example: '[0.0, 0.5]', check: bounds, build: ([low, high]) => ({ kind: 'uniform', low: low as number, high: high as number }) },
  loguniform: {
    example: '[1.0e-5, 1.0e-2]',
    check: (args) => bounds(args) ?? ((args[0] as number) > 0 ? undefined : `needs bounds above 0, not [${args.join(', ')}]`),
    build: ([low, high]) => ({ kind: 'loguniform', low: low as number, high: high as number }),
  },
  randint: {
    example: '[1, 8]',
    check: (args) => bounds(args) ?? (args.every((a) => Number.isSafeInteger(a)) ? undefined : 'takes two whole numbers, [low, high], both included'),
    build: ([low, high]) => ({ kind: 'randint', low: low as number, high: high as number }),
  },
  choice: {
    example: '[relu, gelu]',
    check: (args) => (args.length === 0 ? 'needs at least one value' : undefined),
    build: (values) => ({ kind: 'choice', values }),
  },
};

/** Param `key`'s value in sample `sample` of a sweep seeded `seed`. */
export function draw(dist: Distribution, seed: number, sample: number, key: string): Scalar {
  const u = unit(seed, sample, key);
  switch (dist.kind) {
    case 'uniform':
      return round(dist.low + u * (dist.high - dist.low));
    case 'loguniform':
      return round(Math.exp(Math.log(dist.low) + u * (Math.log(dist.high) - Math.log(dist.low))));
    case 'randint':
      return dist.low + Math.floor(u * (dist.high - dist.low + 1));
    case 'choice':
      return dist.values[Math.floor(u * dist.values.length)]!;
  }
}

/** A uniform number in [0, 1) from the first 53 bits of a SHA-256. */
function unit(seed: number, sample: number, key: string): number {
  const h = createHash('sha256').update(`tmt-sweep\0${seed}\0${sample}\0${key}`).digest();
  const hi = h.readUInt32BE(0) >>> 11; // 21 bits
  const lo = h.readUInt32BE(4); // 32 bits
  return (hi * 2 ** 32 + lo) / 2 ** 53;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
