/**
 * The `.gitattributes` at the root of a run's outputs tree: one line per
 * artifact stored as an LFS object, naming its exact path. It is what says an
 * entry is an LFS pointer (a small artifact that happens to hold pointer text
 * stays a file), and it makes a plain `git checkout` of the outputs commit
 * smudge the real content, as on any LFS repository.
 *
 * Each path is written as a quoted pattern that matches only itself: glob
 * characters are backslash-escaped, then the whole is C-quoted (any byte, a
 * tab, a newline or a name that is not UTF-8 included), as git's attribute
 * parser reads it. Reading takes back only lines of exactly that shape: the
 * file comes from other people's clones and is never trusted as more.
 */

const ATTRS = ' filter=lfs diff=lfs merge=lfs -text';
/** Reading stops here: a crafted file cannot cost more. */
export const MAX_ATTRIBUTES_BYTES = 4 * 1024 * 1024;

const C_ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };
const GLOB = new Set([0x2a, 0x3f, 0x5b, 0x5c]); // * ? [ \

/** The file for these paths (bytes), sorted so equal sets give equal blobs. */
export function formatLfsAttributes(paths: Iterable<Buffer>): Buffer {
  const lines = [...paths].map((p) => `"${cQuote(globEscape(p))}"${ATTRS}\n`).sort();
  return Buffer.from(lines.join(''), 'latin1');
}

/** The paths (as latin1 strings: one character a byte) that lines of tmt's shape name; anything else is ignored. */
export function parseLfsAttributes(file: Buffer): Set<string> {
  const out = new Set<string>();
  const text = file.subarray(0, MAX_ATTRIBUTES_BYTES).toString('latin1');
  for (const line of text.split('\n')) {
    if (!line.startsWith('"') || !line.endsWith(`"${ATTRS}`)) continue;
    const quoted = line.slice(1, line.length - ATTRS.length - 1);
    const pattern = cUnquote(quoted);
    const path = pattern === undefined ? undefined : globUnescape(pattern);
    if (path) out.add(path);
  }
  return out;
}

function globEscape(p: Buffer): Buffer {
  const out: number[] = [];
  for (const b of p) {
    if (GLOB.has(b)) out.push(0x5c);
    out.push(b);
  }
  return Buffer.from(out);
}

function cQuote(p: Buffer): string {
  let s = '';
  for (const b of p) s += C_ESCAPES[b] ?? (b < 0x20 || b >= 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b));
  return s;
}

/** Latin-1 text (one character a byte) of a C-quoted body, or undefined if it is not one tmt could have written. */
function cUnquote(q: string): string | undefined {
  let out = '';
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (c === '"') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = q[++i];
    if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === '"' || e === '\\') out += e;
    else if (/^[0-3][0-7]{2}$/.test(q.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(q.slice(i, i + 3), 8));
      i += 2;
    } else return undefined;
  }
  return out;
}

/** `a\*b` → `a*b`; undefined when a glob character is not escaped (then the line is not tmt's). */
function globUnescape(p: string): string | undefined {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const next = p[++i];
      if (next === undefined || !GLOB.has(next.charCodeAt(0))) return undefined;
      out += next;
    } else if (GLOB.has(c.charCodeAt(0))) return undefined;
    else out += c;
  }
  return out;
}
