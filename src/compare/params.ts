/**
 * Params as rows of a table. Nested params (from a YAML params file) become
 * dotted keys, `model.depth`, the same names `--where params.model.depth`
 * takes; lists stay whole.
 */

/** Dotted key → leaf value. */
export function flattenParams(params: Record<string, unknown>, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) flattenParams(v as Record<string, unknown>, `${key}.`, into);
    else into.set(key, v);
  }
  return into;
}

/** A value as text, exactly: strings as they are, numbers in full, anything else as JSON. */
export function formatParam(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}
