import { describe, expect, it } from 'vitest';
import { RegexError, userRegex } from '../src/query/regex/index.js';
import { seededRandom } from './helpers/random.js';

/** What JavaScript itself says, `(?i)` read as the i flag; undefined when it refuses the pattern. */
function v8(pattern: string): RegExp | undefined {
  const fold = pattern.startsWith('(?i)');
  try {
    return new RegExp(fold ? pattern.slice(4) : pattern, fold ? 'i' : '');
  } catch {
    return undefined;
  }
}

function ours(pattern: string): { test(s: string): boolean } | undefined {
  try {
    return userRegex(pattern);
  } catch (err) {
    expect(err).toBeInstanceOf(RegexError);
    return undefined;
  }
}

function refusal(pattern: string): { message: string; hint: string } {
  try {
    userRegex(pattern);
  } catch (err) {
    expect(err).toBeInstanceOf(RegexError);
    const { message, hint } = err as RegexError;
    return { message, hint };
  }
  throw new Error(`${pattern} was accepted`);
}

// Letters that fold in interesting ways: the Kelvin sign folds to k only with the u flag, ſ never to s.
const TEXT_UNITS = ['a', 'b', 'A', 'B', ' ', '-', '_', '1', '\n', 'é', 'É', 'k', 'K', '\u212a', 's', 'S', 'ſ', '{', '}', ']', '.', '\t', '\u00a0', '\ud83d'];

function texts(rand: () => number, n: number): string[] {
  const out = ['', 'a', 'ab', 'aB1 -_'];
  while (out.length < n) out.push(Array.from({ length: Math.floor(rand() * 9) }, () => TEXT_UNITS[Math.floor(rand() * TEXT_UNITS.length)]!).join(''));
  return out;
}

describe('regexes are matched in linear time', () => {
  it('patterns that make a backtracking engine run for ages answer at once', () => {
    const long = 'a'.repeat(100_000);
    const started = performance.now();
    for (const p of ['(a+)+$', '^(a|a)*$', '(a|aa)*b', '(a*)*b', '^(\\w+\\s?)*$', 'a*a*a*a*a*a*b', '(.*a){20}!', '(?i)(A+)+$']) {
      expect(userRegex(p).test(`${long}!`), p).toBe(p === '(.*a){20}!');
    }
    expect(userRegex('(a+)+$').test(long)).toBe(true);
    // A backtracking engine takes longer than the age of the universe on these; a linear one a few seconds at most on a slow machine.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('means what JavaScript means, on random patterns of the supported syntax and random texts', () => {
    const rand = seededRandom(6);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const atom = (depth: number): string => {
      const r = rand();
      if (depth < 3 && r < 0.15) return `(${pick(['', '?:', '?<g' + depth + Math.floor(rand() * 1e6) + '>'])}${alternation(depth + 1)})`;
      if (r < 0.3) return pick(['[ab]', '[^a]', '[a-c]', '[\\d_]', '[\\w-]', '[]', '[^]', '[\\s\\S]', '[A-Z]', '[\\b]', '[.]', '[\\d-z]', '[a-]', '[^\\W]', '[k]', '[S-Z]', '[\\u00e9]']);
      if (r < 0.45) return pick(['\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '.', '\\.', '\\-', '\\n', '\\x61', '\\u0041', '\\t', '\\cJ', '(?:\\0)', '\\]', '\\{']);
      if (r < 0.55) return pick(['^', '$', '\\b', '\\B']);
      return pick(['a', 'b', 'A', 'B', ' ', '-', '_', '1', 'é', 'É', '{', '}', ']', 'k', 'K', 's', 'ſ', ',']);
    };
    const quantifier = () => pick(['', '', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '*?', '+?', '{,2}', '{1,2}?']);
    const sequence = (depth: number) => Array.from({ length: Math.floor(rand() * 4) }, () => atom(depth) + quantifier()).join('');
    const alternation = (depth: number): string => Array.from({ length: 1 + Math.floor(rand() * 2) }, () => sequence(depth)).join('|');

    let compared = 0;
    for (let k = 0; k < 3000; k++) {
      const pattern = (rand() < 0.3 ? '(?i)' : '') + alternation(0);
      const js = v8(pattern);
      const mine = ours(pattern);
      // Only a quantified assertion is refused here, and JavaScript refuses it too.
      expect(!!mine, pattern).toBe(!!js);
      if (!mine || !js) continue;
      for (const t of texts(rand, 12)) {
        expect(mine.test(t), `${JSON.stringify(pattern)} on ${JSON.stringify(t)}`).toBe(js.test(t));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });

  it('accepts only patterns JavaScript accepts too, and then agrees with it (random strings of regex characters)', () => {
    const rand = seededRandom(7);
    const chars = ['a', 'b', 'A', '(', ')', '[', ']', '{', '}', '|', '*', '+', '?', '^', '$', '.', '\\', '-', ',', '0', '1', '2', 'd', 'w', 'b', 'B', 'n', 'x', 'u', 'c', ':', '=', '!', '<', '>', 'k', 'i', 'p', ' '];
    let accepted = 0;
    for (let k = 0; k < 5000; k++) {
      const pattern = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => chars[Math.floor(rand() * chars.length)]!).join('');
      const mine = ours(pattern);
      if (!mine) continue;
      accepted++;
      const js = v8(pattern);
      expect(js, pattern).toBeDefined();
      for (const t of texts(rand, 6)) expect(mine.test(t), `${JSON.stringify(pattern)} on ${JSON.stringify(t)}`).toBe(js!.test(t));
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it('keeps (?i) at the start for ignoring case, as JavaScript folds case without the u flag', () => {
    expect(userRegex('(?i)baseline').test('BaseLine-3')).toBe(true);
    expect(userRegex('baseline').test('BaseLine-3')).toBe(false);
    expect(userRegex('(?i)[^a]').test('A')).toBe(false);
    expect(userRegex('(?i)\\u00e9').test('É')).toBe(true);
    expect(userRegex('(?i)k').test('\u212a')).toBe(false);
    expect(userRegex('(?i)s').test('ſ')).toBe(false);
  });

  it('refuses what needs backtracking, with a hint that says why', () => {
    for (const [pattern, message] of [
      ['(a)\\1', 'backreferences (\\1) are not supported'],
      ['(?<x>a)\\k<x>', 'backreferences (\\k) are not supported'],
      ['a(?=b)', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
      ['a(?!b)', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
      ['(?<=a)b', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
      ['(?<!a)b', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported'],
    ]) {
      expect(refusal(pattern!)).toEqual({ message, hint: "tmt matches regexes in linear time, which rules these out; see the README section 'Regular expressions'" });
    }
  });

  it('refuses what JavaScript would read surprisingly, and reports syntax errors in its words', () => {
    expect(refusal('\\p{L}').message).toBe('unknown escape \\p');
    expect(refusal('\\u{41}').message).toBe('\\u needs 4 hex digits');
    expect(refusal('\\01').message).toBe('octal escapes are not supported');
    expect(refusal('(?i:a)')).toEqual({ message: 'Invalid group', hint: 'only a leading (?i) is understood, for ignoring case; write (?:...) for a group that captures nothing' });
    for (const [pattern, message] of [
      ['(', 'Unterminated group'],
      [')', "Unmatched ')'"],
      ['*a', 'Nothing to repeat'],
      ['a**', 'Nothing to repeat'],
      ['a{2}{3}', 'Nothing to repeat'],
      ['^*', 'Nothing to repeat'],
      ['[a', 'Unterminated character class'],
      ['[z-a]', 'Range out of order in character class'],
      ['a{3,2}', 'numbers out of order in {} quantifier'],
      ['a\\', '\\ at end of pattern'],
      ['(?<1>a)', 'Invalid capture group name'],
      ['(?<a>x)(?<a>y)', 'Duplicate capture group name'],
    ]) {
      expect(refusal(pattern!).message, pattern).toBe(message);
      expect(v8(pattern!), pattern).toBeUndefined();
    }
  });

  it('bounds the work: at most 5,000 instructions, groups nested at most 100 deep', () => {
    expect(userRegex('a{4999}').test('a'.repeat(4999))).toBe(true);
    expect(refusal('a{5001}').message).toBe('pattern too large: more than 5000 steps once counted repeats are expanded');
    expect(refusal('((a{100}){100}){100}').message).toMatch(/^pattern too large/);
    expect(refusal('a{99999999999999999999}').message).toMatch(/^pattern too large/);
    expect(userRegex(`${'('.repeat(100)}a${')'.repeat(100)}`).test('a')).toBe(true);
    expect(refusal(`${'('.repeat(101)}a${')'.repeat(101)}`).message).toBe('groups nested more than 100 deep');
    expect(refusal('('.repeat(10_000)).message).toBe('groups nested more than 100 deep');
  });
});
