/**
 * Sets of UTF-16 code units (JavaScript regexes without the u flag match code
 * units, not code points), as sorted, merged, inclusive [lo, hi] pairs.
 */
import { foldedVariants } from './fold.js';

export type Ranges = readonly number[];

export const DIGIT: Ranges = [0x30, 0x39];
export const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** JavaScript's \s: WhiteSpace and LineTerminator. */
export const SPACE: Ranges = [0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff];
/** What `.` does not match. */
export const LINE_TERMINATORS: Ranges = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];

export function normalize(pairs: readonly number[]): Ranges {
  const sorted: Array<[number, number]> = [];
  for (let k = 0; k < pairs.length; k += 2) sorted.push([pairs[k]!, pairs[k + 1]!]);
  sorted.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    if (out.length && lo <= out[out.length - 1]! + 1) out[out.length - 1] = Math.max(out[out.length - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function complement(ranges: Ranges): Ranges {
  const out: number[] = [];
  let from = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    if (ranges[k]! > from) out.push(from, ranges[k]! - 1);
    from = ranges[k + 1]! + 1;
  }
  if (from <= 0xffff) out.push(from, 0xffff);
  return out;
}

function inRanges(ranges: Ranges, c: number): boolean {
  for (let k = 0; k < ranges.length && ranges[k]! <= c; k += 2) if (c <= ranges[k + 1]!) return true;
  return false;
}

export function isWordUnit(c: number): boolean {
  return inRanges(WORD, c);
}

/**
 * A membership test. Ignoring case, a unit matches when any unit that folds to
 * the same canonical form is in the set, and `[^...]` negates after folding,
 * as JavaScript's /i does. ASCII is looked up in a table built once.
 */
export class CharTest {
  private readonly ascii = new Uint8Array(128);

  constructor(
    private readonly ranges: Ranges,
    private readonly negated: boolean,
    private readonly fold: boolean,
  ) {
    for (let c = 0; c < 128; c++) this.ascii[c] = this.slow(c) ? 1 : 0;
  }

  has(c: number): boolean {
    return c < 128 ? this.ascii[c] === 1 : this.slow(c);
  }

  private slow(c: number): boolean {
    const hit = this.fold ? foldedVariants(c).some((v) => inRanges(this.ranges, v)) : inRanges(this.ranges, c);
    return hit !== this.negated;
  }
}
