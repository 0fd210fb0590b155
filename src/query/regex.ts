/**
 * Regular expressions as users write them: JavaScript's syntax, plus a leading
 * `(?i)` for ignoring case, as Python, Go and PCRE spell it (JavaScript has no
 * inline flags). Throws what `new RegExp` throws.
 */
export function userRegex(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source);
}
