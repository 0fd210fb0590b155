/**
 * Evaluation of a parsed filter against one run. A field a run does not have
 * makes every comparison on it false (`!=` included), so filters never fail on
 * heterogeneous runs; only `not` turns that false into true.
 */
import { builtinField } from '../fields.js';
import { fieldKind, type CmpOp, type Expr, type FieldRef, type QueryRun, type Value } from './ast.js';
import { parseNumber } from './lexer.js';
import { resolveTime } from '../time.js';

export function evaluate(expr: Expr, run: QueryRun, nowMs: number): boolean {
  switch (expr.type) {
    case 'and':
      return evaluate(expr.left, run, nowMs) && evaluate(expr.right, run, nowMs);
    case 'or':
      return evaluate(expr.left, run, nowMs) || evaluate(expr.right, run, nowMs);
    case 'not':
      return !evaluate(expr.expr, run, nowMs);
    case 'exists': {
      const v = resolveField(run, expr.field);
      return Array.isArray(v) && expr.field.kind === 'builtin' ? v.length > 0 : v !== undefined && v !== null;
    }
    case 'cmp':
      return compareField(expr.op, resolveField(run, expr.field), expr.field, expr.values, nowMs);
  }
}

/** The value as stored: ISO strings for times, seconds for duration, a metric's chosen summary. */
export function resolveField(run: QueryRun, ref: FieldRef): unknown {
  if (ref.kind === 'param') return lookup(run.params, ref.path);
  if (ref.kind === 'metric') return Object.hasOwn(run.metrics, ref.metric) ? run.metrics[ref.metric]?.[ref.stat] : undefined;
  return builtinField(ref.name).value(run);
}

/**
 * Nested lookup that also finds flat keys containing dots ({"model.depth": 3}),
 * since params recorded from `--model.depth 3` may be stored either way.
 */
function lookup(obj: unknown, path: string[]): unknown {
  if (path.length === 0) return obj;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  for (let k = path.length; k >= 1; k--) {
    const key = path.slice(0, k).join('.');
    if (!Object.hasOwn(obj, key)) continue;
    const found = lookup((obj as Record<string, unknown>)[key], path.slice(k));
    if (found !== undefined) return found;
  }
  return undefined;
}

function compareField(op: CmpOp, raw: unknown, ref: FieldRef, values: Value[], nowMs: number): boolean {
  let v = raw;
  if (v === undefined || v === null) return false;
  // Times compare as instants, except that a regex sees the stored ISO text.
  if (fieldKind(ref) === 'time' && op !== '~' && op !== '!~') {
    v = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(v)) return false;
  }
  // A nested params object has nothing to compare against, either way round.
  if (typeof v === 'object' && !Array.isArray(v)) return false;
  // Lists (tags, array params) match when any element does; the negations mean "no element does".
  const negated = op === '!=' || op === '!~';
  const positive: CmpOp = op === '!=' ? '=' : op === '!~' ? '~' : op;
  const hit = (Array.isArray(v) ? v : [v]).some((item) => matches(positive, item, values, nowMs));
  return negated ? !hit : hit;
}

function matches(op: CmpOp, item: unknown, values: Value[], nowMs: number): boolean {
  const first = values[0];
  if (first === undefined) return false;
  if (op === '~') {
    const s = asText(item);
    return first.kind === 'regex' && s !== undefined && first.re.test(s);
  }
  if (op === 'in') return values.some((lit) => order(item, lit, nowMs) === 0);
  const c = order(item, first, nowMs);
  if (c === undefined) return false;
  if (op === '<') return c < 0;
  if (op === '<=') return c <= 0;
  if (op === '>') return c > 0;
  if (op === '>=') return c >= 0;
  return c === 0; // = and has
}

/** Sign of item versus literal, or undefined when they cannot be compared. */
function order(item: unknown, lit: Value, nowMs: number): number | undefined {
  if (lit.kind === 'num') {
    // NaN equals only NaN here (`metrics.loss = nan`); it is never above or below anything.
    if (Number.isNaN(lit.value)) return typeof item === 'number' && Number.isNaN(item) ? 0 : undefined;
    return sign(asNumber(item), lit.value);
  }
  if (lit.kind === 'time') {
    if (typeof item !== 'number') return undefined;
    // A whole day (a date without a time, today): equal anywhere in it, above it only after it.
    const { start, end } = resolved(lit.ref, nowMs);
    return end === undefined ? sign(item, start) : item < start ? -1 : item >= end ? 1 : 0;
  }
  if (lit.kind !== 'str') return undefined;
  // A bare number literal compares numerically with numbers and numeric strings alike.
  const n = lit.num === undefined ? undefined : asNumber(item);
  if (n !== undefined) return sign(n, lit.num);
  const s = asText(item);
  if (s === undefined) return undefined;
  // Text is not above or below a number: `params.lr > 100` must not let lr "fast" through. It can still equal it.
  if (lit.num !== undefined) return s === lit.text ? 0 : undefined;
  return s < lit.text ? -1 : s > lit.text ? 1 : 0;
}

function sign(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
}

/** A value as a number, the way comparisons read it: numbers, and strings that spell one. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  return typeof v === 'string' ? parseNumber(v) : undefined;
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

const resolvedTimes = new WeakMap<object, { nowMs: number; at: ReturnType<typeof resolveTime> }>();

/** A time literal resolved once per query, not once per run (resolving builds Dates). */
function resolved(ref: Parameters<typeof resolveTime>[0], nowMs: number): ReturnType<typeof resolveTime> {
  const hit = resolvedTimes.get(ref);
  if (hit?.nowMs === nowMs) return hit.at;
  const at = resolveTime(ref, nowMs);
  resolvedTimes.set(ref, { nowMs, at });
  return at;
}
