/**
 * A strict reader for the YAML subset that yaml-emit.ts writes: block
 * mappings and sequences, JSON-quoted or plain scalars, [] and {}. It is about
 * a hundred times faster than a general YAML parser, which matters when a
 * query reads 100,000 notes. Anything outside the subset (a note edited by
 * hand, or written by another tool) returns undefined, and the caller falls
 * back to the full parser; on the subset both give the same result
 * (pinned by test/yaml-emit.test.ts).
 */

import { isPlainString } from './yaml-emit.js';

const JSON_STRING = /^"(?:[^"\\]|\\.)*"/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export function parseFastYaml(text: string): Record<string, unknown> | undefined {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const state = { i: 0 };
  try {
    const doc = parseMapping(lines, state, 0);
    return state.i === lines.length ? doc : undefined;
  } catch {
    return undefined;
  }
}

class Unsupported extends Error {}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

function parseMapping(lines: string[], st: { i: number }, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  while (st.i < lines.length) {
    const line = lines[st.i]!;
    const at = indentOf(line);
    if (at < indent) break;
    if (at > indent || line[at] === '-') throw new Unsupported();
    let key: string;
    let rest: string;
    if (line[at] === '"') {
      const m = JSON_STRING.exec(line.slice(at));
      if (!m || line[at + m[0].length] !== ':') throw new Unsupported();
      key = JSON.parse(m[0]) as string;
      rest = line.slice(at + m[0].length + 1);
    } else {
      const colon = line.indexOf(':', at);
      if (colon < 0) throw new Unsupported();
      key = line.slice(at, colon);
      rest = line.slice(colon + 1);
    }
    st.i++;
    out[key] = rest === '' ? parseBlock(lines, st, indent + 2) : inline(rest);
  }
  return out;
}

function parseSequence(lines: string[], st: { i: number }, indent: number): unknown[] {
  const out: unknown[] = [];
  while (st.i < lines.length) {
    const line = lines[st.i]!;
    const at = indentOf(line);
    if (at < indent) break;
    if (at > indent || line[at] !== '-') throw new Unsupported();
    const rest = line.slice(at + 1);
    st.i++;
    out.push(rest === '' ? parseBlock(lines, st, indent + 2) : inline(rest));
  }
  return out;
}

function parseBlock(lines: string[], st: { i: number }, indent: number): unknown {
  const next = lines[st.i];
  if (next === undefined || indentOf(next) !== indent) throw new Unsupported();
  return next[indent] === '-' ? parseSequence(lines, st, indent) : parseMapping(lines, st, indent);
}

/** A value after ": " or "- ". */
function inline(rest: string): unknown {
  if (rest[0] !== ' ') throw new Unsupported();
  const v = rest.slice(1);
  if (v[0] === '"') {
    const m = JSON_STRING.exec(v);
    if (!m || m[0].length !== v.length) throw new Unsupported();
    return JSON.parse(v);
  }
  if (v === '[]') return [];
  if (v === '{}') return {};
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (v === '.nan') return NaN;
  if (v === '.inf') return Infinity;
  if (v === '-.inf') return -Infinity;
  if (NUMBER.test(v)) return Number(v);
  // Plain strings exactly as the emitter writes them; anything else goes to the full parser.
  if (isPlainString(v)) return v;
  throw new Unsupported();
}
