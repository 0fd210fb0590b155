/**
 * The `--where` AST and its field vocabulary. Fields are resolved once at parse
 * time into a FieldRef, so evaluating against thousands of runs never re-splits
 * dotted paths.
 */
import type { Matcher } from '../regex/index.js';
import type { TimeRef } from '../time.js';
import { builtinField, BUILTINS, isBuiltin, type Builtin, type FieldKind } from '../fields.js';

export type { Builtin, FieldKind, QueryRun } from '../fields.js';

export const STATS = ['first', 'last', 'min', 'max', 'count'] as const;
export type Stat = (typeof STATS)[number];

export type FieldRef =
  | { kind: 'builtin'; name: Builtin }
  | { kind: 'param'; path: string[] }
  | { kind: 'metric'; metric: string; stat: Stat };

export function fieldKind(ref: FieldRef): FieldKind {
  if (ref.kind === 'metric') return 'number';
  if (ref.kind === 'param') return 'param';
  return builtinField(ref.name).kind;
}

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'in' | 'has';

/**
 * A literal already typed for its field. Times keep an anchor instead of an
 * absolute value so that `-7d` and `today` follow the nowMs given to evaluate();
 * a date without a time stands for its whole day (see time.ts).
 * A `str` remembers `num` when it was written as a bare number, because only
 * then may it compare numerically against numeric-string params.
 */
export type Value =
  | { kind: 'num'; value: number }
  | { kind: 'time'; ref: TimeRef }
  | { kind: 'str'; text: string; num?: number }
  | { kind: 'regex'; re: Matcher };

export type Expr =
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'exists'; field: FieldRef; path: string }
  | { type: 'cmp'; field: FieldRef; path: string; op: CmpOp; values: Value[] };

export const FIELD_LIST = `${BUILTINS.join(', ')}, params.<key> or metrics.<name>[.${STATS.join('|.')}]`;
const PARAM_KEY = /^[A-Za-z0-9_/-]+$/;

/**
 * A dotted path whose segments may be double-quoted to hold anything but a
 * double quote (`"my key"`, `"val loss"`, `"a.b"`); undefined when malformed.
 * Quoted segments are marked so a caller can accept them as written.
 */
function splitPath(text: string): Array<{ text: string; quoted: boolean }> | undefined {
  const out: Array<{ text: string; quoted: boolean }> = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close <= i + 1) return undefined;
      out.push({ text: text.slice(i + 1, close), quoted: true });
      i = close + 1;
    } else {
      let end = text.indexOf('.', i);
      if (end < 0) end = text.length;
      if (text.slice(i, end).includes('"')) return undefined;
      out.push({ text: text.slice(i, end), quoted: false });
      i = end;
    }
    if (i === text.length) return out;
    if (text[i] !== '.') return undefined;
    i++;
  }
}

/** Resolves a field path, or returns what is wrong with it (the caller adds position or flag context). */
export function parseField(text: string): { ref: FieldRef } | { problem: string } {
  if (isBuiltin(text)) return { ref: { kind: 'builtin', name: text } };
  if (text.startsWith('params.')) {
    const segs = splitPath(text.slice('params.'.length));
    if (segs?.every((k) => (k.quoted ? k.text !== '' : PARAM_KEY.test(k.text)))) return { ref: { kind: 'param', path: segs.map((k) => k.text) } };
    return { problem: `expected params.<key> with keys of letters, digits, _, - and / joined by dots (quote any other key: params."my key"), found "${text}"` };
  }
  if (text.startsWith('metrics."')) {
    // A quoted name is all name, then an optional summary: metrics."val loss".max
    const segs = splitPath(text.slice('metrics.'.length));
    const stat = segs?.[1]?.text;
    if (segs && segs[0]!.quoted && segs[0]!.text !== '' && (segs.length === 1 || (segs.length === 2 && !segs[1]!.quoted && (STATS as readonly string[]).includes(stat!)))) {
      return { ref: { kind: 'metric', metric: segs[0]!.text, stat: (stat ?? 'last') as Stat } };
    }
    return { problem: `expected metrics."<name>" or metrics."<name>".${STATS.join('|.')}, found "${text}"` };
  }
  if (text.startsWith('metrics.')) {
    const rest = text.slice('metrics.'.length);
    const segs = rest.split('.');
    if (segs.some((s) => s === '')) return { problem: `expected metrics.<name>, found "${text}"` };
    const last = segs[segs.length - 1]!;
    // A dotted metric name ending in a summary word is read as that summary;
    // anything else is entirely the metric name, which may itself contain dots.
    if (segs.length > 1 && (STATS as readonly string[]).includes(last)) {
      return { ref: { kind: 'metric', metric: segs.slice(0, -1).join('.'), stat: last as Stat } };
    }
    return { ref: { kind: 'metric', metric: rest, stat: 'last' } };
  }
  if (text === 'params' || text === 'metrics') return { problem: `expected ${text}.<${text === 'params' ? 'key' : 'name'}> after "${text}", found "${text}" alone` };
  // A bare name is most often a metric or param written without its prefix.
  const guess = /^[A-Za-z_][\w-]*$/.test(text) ? ` (did you mean metrics.${text} or params.${text}?)` : '';
  return { problem: `expected a field (${FIELD_LIST}), found "${text}"${guess}` };
}
