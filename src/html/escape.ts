/**
 * Escaping for everything a page embeds. Text goes into HTML only through
 * `escapeHtml`; data goes in only as JSON in a `<script type=
 * "application/json">` block through `jsonForScript`, which leaves no `<`, `>`
 * or `&` (so no `</script>` or `<!--` can end or bend the block) and no
 * U+2028/2029 line separators.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * A value as JSON that is inert inside a <script type="application/json">
 * element. NaN and ±Infinity (a metric that diverged) become the strings
 * "NaN", "Infinity" and "-Infinity" instead of JSON's null, which would read as
 * "not logged".
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JavaScript source made safe to inline in a <script> element: the HTML
 * parser ends a script at `</script` and changes state at `<!--` and
 * `<script`, even inside JS strings and regular expressions. Writing `<` as
 * `\x3C` there means the same to JS in strings, templates and regexes (the
 * only places minified code has these sequences); an escaped `\<` becomes
 * `\x3C` as well, since it also meant `<`.
 */
export function escapeInlineScript(code: string): string {
  return code.replace(/(\\*)<(?=!--|\/?script)/gi, (_, slashes: string) => {
    // An odd run of backslashes escapes the `<` itself: drop that one backslash.
    return slashes.slice(0, slashes.length - (slashes.length % 2)) + '\\x3C';
  });
}
