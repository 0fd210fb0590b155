/**
 * The `--where` filter language over runs, plus field lookup shared with
 * `--sort`, `--columns` and `--group-by` so that all of them accept the same
 * field paths.
 */
import { TmtError } from '../../errors.js';
import { parseField, type FieldRef, type QueryRun } from './ast.js';
import { resolveField } from './eval.js';
import { HINT } from './lexer.js';

export type { Expr, QueryRun } from './ast.js';
export { evaluate } from './eval.js';
export { parseExpr } from './parser.js';

/** Parsed field paths: sorting or grouping 100,000 runs looks the same few up again and again. */
const parsed = new Map<string, FieldRef>();

/** A field path (as in --sort, --columns, --group-by) resolved; BAD_ARGUMENT when the language would not accept it. */
export function fieldRef(field: string): FieldRef {
  const known = parsed.get(field);
  if (known) return known;
  const r = parseField(field);
  if (!('ref' in r)) throw new TmtError('BAD_ARGUMENT', r.problem, { hint: HINT });
  parsed.set(field, r.ref);
  return r.ref;
}

/** Throws TmtError('BAD_ARGUMENT') for a field path the filter language would not accept; `flag` names where it came from. */
export function checkField(field: string, flag?: string): void {
  try {
    fieldRef(field);
  } catch (err) {
    if (!flag || !(err instanceof TmtError)) throw err;
    throw new TmtError('BAD_ARGUMENT', `${flag}: ${err.message}`, { hint: `${flag} takes fields such as name,params.lr,metrics.acc` });
  }
}

/**
 * A field's value as stored: strings, the tags array, ISO strings for
 * started/ended, seconds for duration, raw param values, a metric summary.
 * Undefined when the run lacks it.
 */
export function fieldValue(run: QueryRun, field: string): unknown {
  return resolveField(run, fieldRef(field));
}

/**
 * Splits a comma-separated list of fields (`name,params."x,y",mean(metrics.acc)`)
 * at the commas outside double quotes and parentheses; items come back trimmed,
 * empty ones dropped.
 */
export function splitFields(spec: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i <= spec.length; i++) {
    const c = spec[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth = Math.max(0, depth - 1);
    else if (i === spec.length || (c === ',' && !quoted && depth === 0)) {
      const item = spec.slice(from, i).trim();
      if (item) out.push(item);
      from = i + 1;
    }
  }
  return out;
}
