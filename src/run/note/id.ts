/**
 * Run ids: 26 characters of Crockford base32 (lower case), a 48-bit
 * millisecond timestamp followed by 80 random bits, as in ULID. They sort by
 * time as plain strings, are unique across machines without coordination, and
 * never need quoting in a ref name or a shell.
 */
import { randomBytes } from 'node:crypto';

/** Wall-clock time, injected so tests can pin run ids and dates. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RUN_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function newRunId(nowMs: number, random: Buffer = randomBytes(10)): string {
  let time = '';
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  let bits = 0;
  let acc = 0;
  for (const byte of random) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ALPHABET[(acc >> bits) & 31]!;
    }
  }
  return time + rand;
}

/** The millisecond timestamp a run id was made at. */
export function runIdTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

/** `01abcdefghjk (name)`: how messages name a run. */
export function describeRun(run: { id: string; meta?: { name?: string } }): string {
  return `${run.id.slice(0, 12)}${run.meta?.name ? ` (${run.meta.name})` : ''}`;
}
