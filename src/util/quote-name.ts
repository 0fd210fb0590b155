const ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"', '\\': '\\\\' };

/**
 * A file name for a line of terminal output, quoted the way git quotes names
 * (core.quotePath=false): as it is, unless it holds a control character, a
 * double quote or a backslash, which a terminal would act on or a reader
 * could not tell apart; then in double quotes with C escapes.
 */
export function quoteName(name: string): string {
  if (!/[\x00-\x1f\x7f"\\]/.test(name)) return name;
  return `"${name.replace(/[\x00-\x1f\x7f"\\]/g, (c) => ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)}"`;
}
