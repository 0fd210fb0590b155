import { TmtError } from '../../errors.js';

/**
 * Reads a command-line value the way a researcher means it: numbers stay
 * numbers. Zero-padded digits (`064`, a seed or a run number written as
 * text) stay text, since their number would lose the padding.
 */
export function coerceValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return canonicalNumber(text) ?? text;
}

/** The number `text` spells without losing anything as written (no padding zeros), or undefined. */
export function canonicalNumber(text: string): number | undefined {
  return /^[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

const NON_FINITE = new Map([['nan', NaN], ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity]]);

/** A metric value: any number, padded or not, or nan and ±inf (a diverged loss). */
export function coerceMetric(text: string): unknown {
  const n = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(n) ? n : (nonFiniteNumber(text) ?? coerceValue(text));
}

/** `nan`, `inf`, `-inf` (any case, or spelled infinity) as numbers; undefined for anything else. */
export function nonFiniteNumber(word: string): number | undefined {
  return NON_FINITE.get(word.trim().toLowerCase());
}

/** Parses `K=V` pairs into an object; `what` names the flag in errors. */
export function parseAssignments(pairs: readonly string[], what: string, coerce: (text: string) => unknown = coerceValue): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new TmtError('BAD_ARGUMENT', `${what}: expected KEY=VALUE, got "${pair}"`, { hint: `e.g. ${what} lr=0.01` });
    }
    out[pair.slice(0, eq)] = coerce(pair.slice(eq + 1));
  }
  return out;
}
