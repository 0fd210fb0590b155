/**
 * Recursive descent over the tokens, precedence lowest first: or, and, not,
 * comparison. Literals are typed against their field here, so a mistake such
 * as `started > banana` fails before any run is read rather than silently
 * matching nothing.
 */
import { fieldKind, parseField, type CmpOp, type Expr, type FieldRef, type Value } from './ast.js';
import { DISPLAY_STATUSES } from '../../run/note/status.js';
import { nonFiniteNumber } from '../../run/note/values.js';
import { lex, OPERATORS, parseNumber, syntaxError, type Token } from './lexer.js';
import { RegexError, userRegex, type Matcher } from '../regex/index.js';
import { parseSpanSeconds, readTime } from '../time.js';

const STATUSES: readonly string[] = DISPLAY_STATUSES;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'has', 'exists']);
const isKeyword = (t: Token, kw?: string) =>
  t.type === 'word' && (kw === undefined ? KEYWORDS.has(t.text.toLowerCase()) : t.text.toLowerCase() === kw);
const quoted = (t: Token) => (t.type === 'string' ? t.text : `"${t.text}"`);
/** `(` and `not` nest at most this deep, so that neither parsing nor evaluating can run out of stack. */
const MAX_NESTING = 200;
/** Regex instructions one filter may compile to altogether (each regex has its own cap too). */
const MAX_REGEX_STEPS = 50_000;

export function parseExpr(source: string): Expr {
  return new Parser(source, lex(source)).parse();
}

class Parser {
  private i = 0;
  private depth = 0;
  private regexSteps = 0;
  private prev: Token | undefined;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    this.prev = t;
    return t;
  }
  private fail(at: Token | number, what: string, hint?: string): never {
    throw syntaxError(this.src, typeof at === 'number' ? at : at.pos, what, hint);
  }

  parse(): Expr {
    if (this.peek().type === 'eof') this.fail(0, 'expected an expression');
    const e = this.or();
    const t = this.peek();
    if (t.type !== 'eof') this.fail(t, `expected "and" or "or", found ${quoted(t)}${t.type === ')' ? ' without a matching "("' : ''}`);
    return e;
  }

  private or(): Expr {
    const items = [this.and()];
    while (isKeyword(this.peek(), 'or') && this.next()) items.push(this.and());
    return balanced('or', items);
  }
  private and(): Expr {
    const items = [this.not()];
    while (isKeyword(this.peek(), 'and') && this.next()) items.push(this.not());
    return balanced('and', items);
  }
  private not(): Expr {
    const t = this.peek();
    if (isKeyword(t, 'not') && this.next()) return { type: 'not', expr: this.nested(t, () => this.not()) };
    return this.primary();
  }
  private nested(at: Token, parse: () => Expr): Expr {
    if (++this.depth > MAX_NESTING) this.fail(at, `expected at most ${MAX_NESTING} nested "(" and "not", found more`);
    const e = parse();
    this.depth--;
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    // A dangling `and`, `not` or `(` is reported at that token: it is what needs a right-hand side.
    if (t.type === 'eof') this.fail(this.prev ?? 0, `expected an expression after "${this.prev?.text ?? ''}"`);
    if (t.type === '(') {
      this.next();
      const e = this.nested(t, () => this.or());
      const close = this.next();
      if (close.type === ')') return e;
      if (close.type === 'eof') this.fail(t, 'expected ")" to close this "("');
      this.fail(close, `expected "and", "or" or ")", found ${quoted(close)}`);
    }
    if (isKeyword(t, 'exists')) {
      this.next();
      const f = this.peek();
      if (f.type !== 'word' || isKeyword(f)) this.fail(t, 'expected a field after "exists"');
      this.next();
      return { type: 'exists', field: this.field(f), path: f.text };
    }
    if (t.type !== 'word' || isKeyword(t)) this.fail(t, `expected a field, found ${quoted(t)}`);
    this.next();
    return this.comparison(t, this.field(t));
  }

  private field(t: Token): FieldRef {
    const r = parseField(t.text);
    return 'ref' in r ? r.ref : this.fail(t, r.problem);
  }

  private comparison(fieldTok: Token, field: FieldRef): Expr {
    const opTok = this.next();
    if (opTok.type === 'eof') this.fail(fieldTok, `expected an operator after "${fieldTok.text}"`);
    if (opTok.type !== 'op' && !isKeyword(opTok, 'in') && !isKeyword(opTok, 'has')) {
      this.fail(opTok, `expected an operator (${OPERATORS}), found ${quoted(opTok)}`);
    }
    const op = opTok.text.toLowerCase() as CmpOp;
    const kind = fieldKind(field);
    const path = fieldTok.text;
    if (kind === 'number' && (op === '~' || op === '!~' || op === 'has')) {
      this.fail(opTok, `expected = != < <= > >= or in for the number field "${path}", found "${op}"`);
    }
    if (op === 'has' && kind !== 'list' && kind !== 'param') this.fail(opTok, `expected tags or params.<key> before "has", found "${path}"`);
    if (kind === 'list' && ['<', '<=', '>', '>='].includes(op)) this.fail(opTok, `expected = != ~ !~ in or has for "tags", found "${op}"`);
    // Statuses have no order: `status > finished` would match by spelling.
    if (field.kind === 'builtin' && field.name === 'status' && ['<', '<=', '>', '>='].includes(op)) this.fail(opTok, `expected = != ~ !~ or in for "status", found "${op}"`);
    const toks = op === 'in' ? this.list(opTok) : [this.value(opTok)];
    return { type: 'cmp', field, path, op, values: toks.map((v) => this.literal(field, path, op, v)) };
  }

  private value(after: Token): Token {
    const t = this.peek();
    if (t.type === 'string' || (t.type === 'word' && !isKeyword(t))) return this.next();
    return this.fail(after, `expected a value after "${after.text}"`);
  }

  private list(inTok: Token): Token[] {
    const open = this.next();
    if (open.type !== '(') this.fail(inTok, 'expected "(" after "in"');
    const items = [this.value(open)];
    for (let t = this.next(); t.type !== ')'; t = this.next()) {
      if (t.type === 'eof') this.fail(open, 'expected ")" to close this "("');
      if (t.type !== ',') this.fail(t, `expected "," or ")", found ${quoted(t)}`);
      items.push(this.value(t));
    }
    return items;
  }

  private literal(field: FieldRef, path: string, op: CmpOp, t: Token): Value {
    if (op === '~' || op === '!~') {
      let re: Matcher;
      try {
        re = userRegex(t.value);
      } catch (err) {
        if (!(err instanceof RegexError)) throw err;
        return this.fail(t, `expected a valid regular expression, found ${quoted(t)} (${err.message})`, err.hint);
      }
      this.regexSteps += re.size;
      if (this.regexSteps > MAX_REGEX_STEPS) this.fail(t, `expected at most ${MAX_REGEX_STEPS} regex steps in one filter, found more with this regex`, 'use fewer or shorter regexes, e.g. one alternation (a|b|c) for several names');
      return { kind: 'regex', re };
    }
    const kind = fieldKind(field);
    if (kind === 'time') {
      const ref = readTime(t.value);
      return ref ? { kind: 'time', ref } : this.fail(t, `expected a date (2026-11-01, 2026-11-01T12:00) or a relative time (-7d, -2h) after "${op}", found ${quoted(t)}`);
    }
    if (kind === 'number') {
      const n = parseNumber(t.value) ?? (field.kind === 'metric' ? nonFiniteNumber(t.value) : parseSpanSeconds(t.value)); // metrics.loss = nan: the diverged runs
      if (n !== undefined) return { kind: 'num', value: n };
      const what = field.kind === 'metric' ? 'a number (metrics are numbers, or nan, inf, -inf)' : 'a number of seconds or a span such as 2h';
      return this.fail(t, `expected ${what} after "${op}", found ${quoted(t)}`);
    }
    // A status that can never match is a typo (`status = finishd`), not an empty answer.
    if (field.kind === 'builtin' && field.name === 'status' && (op === '=' || op === '!=' || op === 'in') && !STATUSES.includes(t.value)) {
      return this.fail(t, `expected a status (${STATUSES.join(', ')}), found ${quoted(t)}`);
    }
    const num = t.type === 'word' ? parseNumber(t.value) : undefined;
    return num === undefined ? { kind: 'str', text: t.value } : { kind: 'str', text: t.value, num };
  }
}

/**
 * A chain of `and` or `or` as a balanced tree, evaluated in the same order:
 * a generated filter over 10,000 ids then nests 14 levels deep, not 10,000.
 */
function balanced(type: 'and' | 'or', items: Expr[]): Expr {
  if (items.length === 1) return items[0]!;
  const half = items.length >> 1;
  return { type, left: balanced(type, items.slice(0, half)), right: balanced(type, items.slice(half)) };
}
