import { TmtError } from '../errors.js';

/** Reads a command-line value the way a researcher means it: numbers stay numbers. */
export function coerceValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return Number(text);
  return text;
}

/** Parses `K=V` pairs into an object; `what` names the flag in errors. */
export function parseAssignments(pairs: readonly string[], what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new TmtError('BAD_ARGUMENT', `${what}: expected KEY=VALUE, got "${pair}"`, { hint: `e.g. ${what} lr=0.01` });
    }
    out[pair.slice(0, eq)] = coerceValue(pair.slice(eq + 1));
  }
  return out;
}
