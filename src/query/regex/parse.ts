/**
 * The regex syntax tmt accepts: JavaScript's (without flags), less what needs
 * a backtracking engine. A pattern it accepts means what it means in
 * JavaScript; what JavaScript would read surprisingly (`\p` as a plain "p",
 * `\1` without a group as octal, `\u{41}` as 41 u's) is refused instead.
 */
import { complement, DIGIT, LINE_TERMINATORS, normalize, SPACE, WORD, type Ranges } from './charset.js';

export type Assertion = 'start' | 'end' | 'boundary' | 'inside';

export type Node =
  | { type: 'set'; ranges: Ranges; negated: boolean }
  | { type: 'seq'; items: Node[] }
  | { type: 'alt'; items: Node[] }
  | { type: 'repeat'; node: Node; min: number; max: number }
  | { type: 'assert'; kind: Assertion };

const LINEAR_HINT = "tmt matches regexes in linear time, which rules these out; see the README section 'Regular expressions'";

/** What is wrong with a pattern, in V8's words where V8 has them; a hint when there is more to say than "fix the syntax". */
export class RegexError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RegexError';
  }
}

/** Groups nest at most this deep, so that parsing and compiling cannot run out of stack. */
export const MAX_GROUP_DEPTH = 100;

const CLASS_ESCAPES: Record<string, Ranges> = { d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE) };
const CONTROL: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, f: 0x0c };
const QUANTIFIER = /\{(\d+)(,(\d*))?\}/y;
const HEX2 = /[0-9a-fA-F]{2}/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const GROUP_NAME = /<([A-Za-z_$][\w$]*)>/y;

const literal = (c: number): Node => ({ type: 'set', ranges: [c, c], negated: false });

export function parseRegex(source: string): Node {
  return new RegexParser(source).parse();
}

class RegexParser {
  private i = 0;
  private depth = 0;
  private readonly names = new Set<string>();
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    // Only a ")" stops an alternation before the end.
    if (this.i < this.src.length) throw new RegexError("Unmatched ')'");
    return node;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { type: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified(this.atom()));
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.type === 'assert') throw new RegexError('Nothing to repeat');
    // Lazy or greedy, a yes/no match is the same; a quantifier after this one fails in atom().
    if (this.src[this.i] === '?') this.i++;
    return { type: 'repeat', node: atom, ...q };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.i];
    const simple = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : c === '?' ? [0, 1] : undefined;
    if (simple) {
      this.i++;
      return { min: simple[0]!, max: simple[1]! };
    }
    const m = this.braces();
    if (!m) return undefined;
    this.i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (max < min) throw new RegexError('numbers out of order in {} quantifier');
    return { min, max };
  }

  /** A `{n}`, `{n,}` or `{n,m}` here; any other `{` is a literal brace, as in JavaScript. */
  private braces(): RegExpExecArray | null {
    QUANTIFIER.lastIndex = this.i;
    return QUANTIFIER.exec(this.src);
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    if (c === '*' || c === '+' || c === '?' || (c === '{' && this.braces())) throw new RegexError('Nothing to repeat');
    this.i++;
    if (c === '^') return { type: 'assert', kind: 'start' };
    if (c === '$') return { type: 'assert', kind: 'end' };
    if (c === '.') return { type: 'set', ranges: LINE_TERMINATORS, negated: true };
    if (c === '(') return this.group();
    if (c === '[') return this.bracket();
    if (c === '\\') return this.escape();
    return literal(c.charCodeAt(0));
  }

  private group(): Node {
    if (this.src[this.i] === '?') {
      const kind = this.src.slice(this.i, this.i + 3);
      if (kind.startsWith('?:')) this.i += 2;
      else if (kind.startsWith('?=') || kind.startsWith('?!') || kind === '?<=' || kind === '?<!') {
        throw new RegexError('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported', LINEAR_HINT);
      } else if (kind.startsWith('?<')) {
        GROUP_NAME.lastIndex = this.i + 1;
        const m = GROUP_NAME.exec(this.src);
        if (!m) throw new RegexError('Invalid capture group name');
        if (this.names.has(m[1]!)) throw new RegexError('Duplicate capture group name');
        this.names.add(m[1]!);
        this.i += 1 + m[0].length;
      } else {
        throw new RegexError('Invalid group', "only a leading (?i) is understood, for ignoring case; write (?:...) for a group that captures nothing");
      }
    }
    if (++this.depth > MAX_GROUP_DEPTH) throw new RegexError(`groups nested more than ${MAX_GROUP_DEPTH} deep`, 'flatten the pattern');
    const inner = this.alternation();
    this.depth--;
    if (this.src[this.i] !== ')') throw new RegexError('Unterminated group');
    this.i++;
    // Wrapped, so that quantified() sees a group: (\b)? may be quantified where \b? may not.
    return { type: 'seq', items: [inner] };
  }

  private bracket(): Node {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const pairs: number[] = [];
    const add = (a: number | Ranges) => (typeof a === 'number' ? pairs.push(a, a) : pairs.push(...a));
    for (;;) {
      if (this.i >= this.src.length) throw new RegexError('Unterminated character class');
      if (this.src[this.i] === ']') break;
      const lo = this.classAtom();
      if (this.src[this.i] !== '-' || this.i + 1 >= this.src.length || this.src[this.i + 1] === ']') {
        add(lo);
        continue;
      }
      this.i++;
      const hi = this.classAtom();
      if (typeof lo === 'number' && typeof hi === 'number') {
        if (lo > hi) throw new RegexError('Range out of order in character class');
        pairs.push(lo, hi);
      } else {
        // JavaScript reads [\d-z] as \d, "-" and "z".
        add(lo);
        add(0x2d);
        add(hi);
      }
    }
    this.i++;
    return { type: 'set', ranges: normalize(pairs), negated };
  }

  private classAtom(): number | Ranges {
    const c = this.src[this.i++]!;
    if (c !== '\\') return c.charCodeAt(0);
    const e = this.escapeLetter();
    if (e === 'b') return 0x08; // backspace, inside a class
    if (e === '-') return 0x2d;
    return CLASS_ESCAPES[e] ?? this.charEscape(e);
  }

  private escape(): Node {
    const e = this.escapeLetter();
    if (e === 'b' || e === 'B') return { type: 'assert', kind: e === 'b' ? 'boundary' : 'inside' };
    const set = CLASS_ESCAPES[e];
    if (set) return { type: 'set', ranges: set, negated: false };
    if ((e >= '1' && e <= '9') || e === 'k') throw new RegexError(`backreferences (\\${e}) are not supported`, LINEAR_HINT);
    return literal(this.charEscape(e));
  }

  private escapeLetter(): string {
    if (this.i >= this.src.length) throw new RegexError('\\ at end of pattern');
    return this.src[this.i++]!;
  }

  /** An escape that stands for one code unit (the letter after the backslash is consumed). */
  private charEscape(e: string): number {
    if (CONTROL[e] !== undefined) return CONTROL[e];
    if (e === '0') {
      if (/[0-9]/.test(this.src[this.i] ?? '')) throw new RegexError('octal escapes are not supported', 'write \\x and two hex digits, e.g. \\x07');
      return 0;
    }
    if (e === 'x' || e === 'u') return this.hex(e === 'x' ? HEX2 : HEX4, e);
    if (e === 'c') {
      const letter = this.src[this.i] ?? '';
      if (!/[A-Za-z]/.test(letter)) throw new RegexError('\\c needs a letter after it', 'e.g. \\cJ for a line feed');
      this.i++;
      return letter.charCodeAt(0) % 32;
    }
    if (/[A-Za-z0-9]/.test(e)) throw new RegexError(`unknown escape \\${e}`, 'escape only punctuation; \\d \\w \\s \\b \\n \\t \\xHH \\uHHHH are understood');
    return e.charCodeAt(0);
  }

  private hex(re: RegExp, e: string): number {
    re.lastIndex = this.i;
    const m = re.exec(this.src);
    const digits = e === 'x' ? 2 : 4;
    if (!m) throw new RegexError(`\\${e} needs ${digits} hex digits`, e === 'x' ? 'e.g. \\x41' : 'e.g. \\u00e9');
    this.i += digits;
    return parseInt(m[0], 16);
  }
}
