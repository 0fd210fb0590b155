/**
 * Tokens and literal forms of the `--where` language. Values stay raw words
 * here: whether `2026-11-01` is a date or `-3` a number depends on the field it
 * is compared with, which only the parser knows.
 */
import { TmtError } from '../../errors.js';
import { displayWidth } from '../../util/width.js';
import type { Value } from './ast.js';

export type TokenType = 'word' | 'string' | 'op' | '(' | ')' | ',' | 'eof';
export interface Token {
  type: TokenType;
  /** As typed, quotes included, for messages. */
  text: string;
  /** Unescaped content of a string; same as text otherwise. */
  value: string;
  pos: number;
}

export const HINT =
  "see the README section 'Filter expressions': FIELD OP VALUE joined by and, or, not and parentheses, e.g. status = finished and metrics.acc > 0.9";

/** Characters shown on either side of the caret; a generated filter can be 100 KB long. */
const CONTEXT = 60;

/** Every user mistake names what was expected and points a caret at the offending column. */
export function syntaxError(source: string, pos: number, what: string, hint = HINT): TmtError {
  const from = pos > CONTEXT * 2 ? pos - CONTEXT : 0;
  const to = Math.min(source.length, from + CONTEXT * 4);
  // Tabs and newlines would misalign the caret line.
  const shown = `${from > 0 ? '...' : ''}${source.slice(from, to)}${to < source.length ? '...' : ''}`.replace(/[\t\r\n]/g, ' ');
  const caret = (from > 0 ? 3 : 0) + pos - from;
  // The caret goes under the column as a terminal draws it: CJK characters take two.
  return new TmtError('BAD_ARGUMENT', `--where: ${what} at column ${pos + 1}\n  ${shown}\n  ${' '.repeat(displayWidth(shown.slice(0, caret)))}^`, {
    hint,
    data: { column: pos + 1 },
  });
}

export const OPERATORS = '= != < <= > >= ~ !~ in has';
const OPS = new Set(['=', '!=', '<', '<=', '>', '>=', '~', '!~']);
const OP_CHAR = /[=!<>~]/;
// Words are greedy so that paths, dates, `-7d`, `1e-4` and bare regexes stay one token.
const WORD_END = /[\s()=!<>~,'"]/;
// Unknown escapes keep their backslash so regexes like "\d+" need no doubling.
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };

export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, value: c, pos: i++ });
    } else if (OP_CHAR.test(c)) {
      while (i < source.length && OP_CHAR.test(source[i]!)) i++;
      const op = source.slice(start, i);
      if (op === '==') throw syntaxError(source, start, 'expected an operator, found "==" (equality is a single =)');
      if (!OPS.has(op)) throw syntaxError(source, start, `expected an operator (${OPERATORS}), found "${op}"`);
      tokens.push({ type: 'op', text: op, value: op, pos: start });
    } else if (c === '"' || c === "'") {
      let value = '';
      for (i++; source[i] !== c; ) {
        if (i >= source.length) throw syntaxError(source, start, `expected a closing ${c} for this string`);
        if (source[i] === '\\' && i + 1 < source.length) {
          const next = source[i + 1]!;
          value += ESCAPES[next] ?? `\\${next}`;
          i += 2;
        } else value += source[i++];
      }
      i++;
      tokens.push({ type: 'string', text: source.slice(start, i), value, pos: start });
    } else {
      for (;;) {
        while (i < source.length && !WORD_END.test(source[i]!)) i++;
        // A quoted segment of a field path (params."my key") belongs to the word.
        if (source[i] !== '"' || source[i - 1] !== '.') break;
        const close = source.indexOf('"', i + 1);
        if (close < 0) throw syntaxError(source, i, 'expected a closing " for this name');
        i = close + 1;
      }
      const word = source.slice(start, i);
      tokens.push({ type: 'word', text: word, value: word, pos: start });
    }
  }
  tokens.push({ type: 'eof', text: '', value: '', pos: source.length });
  return tokens;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** Shared with evaluation, so a param string is numeric exactly when it would lex as a number. */
export function parseNumber(text: string): number | undefined {
  return NUMBER.test(text.trim()) ? Number(text) : undefined;
}

