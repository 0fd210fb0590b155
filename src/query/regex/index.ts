/**
 * Regular expressions as users write them: JavaScript's syntax, plus a leading
 * `(?i)` for ignoring case, as Python, Go and PCRE spell it (JavaScript has no
 * inline flags). They are matched in linear time, never by backtracking, so
 * no pattern can hang a query; throws RegexError for what cannot be matched so.
 */
import { parseRegex } from './parse.js';
import { compile, type Matcher } from './program.js';

export { RegexError } from './parse.js';
export type { Matcher } from './program.js';

export function userRegex(source: string): Matcher {
  const fold = source.startsWith('(?i)');
  return compile(parseRegex(fold ? source.slice(4) : source), fold);
}
