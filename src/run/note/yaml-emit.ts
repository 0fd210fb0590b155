/**
 * A small YAML emitter for run metadata (plain objects, arrays, strings,
 * numbers, booleans, null), so that writing a run does not load a full YAML
 * library (about 50 ms of start-up). Block style for readability in
 * `git notes show`; any string that is not plainly safe is written as a JSON
 * string, which is a valid YAML double-quoted scalar. Round-trips through the
 * `yaml` parser are pinned by test/yaml-emit.test.ts.
 */

const PLAIN = /^[A-Za-z_/.][\w ./@+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~|nan|\.nan|\.inf|-\.inf|\+\.inf)$/i;

export function emitYaml(value: unknown): string {
  if (!isMapping(value)) throw new TypeError('top level must be a mapping');
  return emitMapping(value, '');
}

function emitMapping(obj: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const [key, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    out += isBlock(v) ? `${indent}${scalarString(key)}:\n${emitBlock(v, indent + '  ')}` : `${indent}${scalarString(key)}: ${inline(v)}\n`;
  }
  return out;
}

function emitSequence(items: readonly unknown[], indent: string): string {
  // A compound item sits in its own block under a bare "-": plain, valid YAML.
  return items.map((v) => (isBlock(v) ? `${indent}-\n${emitBlock(v, indent + '  ')}` : `${indent}- ${inline(v === undefined ? null : v)}\n`)).join('');
}

function emitBlock(v: unknown[] | Record<string, unknown>, indent: string): string {
  return Array.isArray(v) ? emitSequence(v, indent) : emitMapping(v, indent);
}

/** Non-empty arrays and mappings are written as blocks; everything else inline. */
function isBlock(v: unknown): v is unknown[] | Record<string, unknown> {
  return Array.isArray(v) ? v.length > 0 : isMapping(v) && Object.values(v).some((x) => x !== undefined);
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isMapping(v)) return '{}';
  return scalar(v);
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  if (typeof v === 'string') return scalarString(v);
  throw new TypeError(`cannot write ${typeof v} as YAML`);
}

/** Lower-case words that start with a digit (run ids) are strings unless YAML would read a number. */
const ID_LIKE = /^[0-9][0-9a-z]*[a-z][0-9a-z]*$/;
const NUMBER_LIKE = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+(\.\d*)?e[+-]?\d+)$/;

/** Whether a string can be written unquoted and read back as the same string. */
export function isPlainString(s: string): boolean {
  return (PLAIN.test(s) && !RESERVED.test(s) && !/\s$|: | #/.test(s)) || (ID_LIKE.test(s) && !NUMBER_LIKE.test(s));
}

function scalarString(s: string): string {
  return isPlainString(s) ? s : JSON.stringify(s);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
