/**
 * A strict reader for the YAML subset that yaml-emit.ts writes: block
 * mappings and sequences, JSON-quoted or plain scalars, [] and {}. It is far
 * faster than a general YAML parser (a few microseconds a note), which
 * matters when a query reads 100,000 notes: it scans the text once, in place,
 * without splitting it into lines. Anything outside the subset (a note edited
 * by hand, or written by another tool) returns undefined, and the caller
 * falls back to the full parser; on the subset both give the same result
 * (pinned by test/yaml-emit.test.ts).
 */

import { isPlainString } from './yaml-emit.js';

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const SPACE = 32;
const DASH = 45;
const QUOTE = 34;
const BACKSLASH = 92;

export function parseFastYaml(text: string): Record<string, unknown> | undefined {
  const r = new Reader(text);
  try {
    const doc = r.mapping(0);
    return r.at === text.length ? doc : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Unsupported extends Error {}

class Reader {
  /** Start of the current line. */
  at = 0;

  constructor(private readonly s: string) {}

  private indent(): number {
    let n = 0;
    while (this.s.charCodeAt(this.at + n) === SPACE) n++;
    return n;
  }

  private lineEnd(): number {
    const nl = this.s.indexOf('\n', this.at);
    return nl < 0 ? this.s.length : nl;
  }

  private nextLine(end: number): void {
    this.at = end < this.s.length ? end + 1 : end;
  }

  mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.at < this.s.length) {
      const ind = this.indent();
      if (ind < indent) break;
      const k = this.at + ind;
      if (ind > indent || this.s.charCodeAt(k) === DASH) throw new Unsupported();
      const end = this.lineEnd();
      let key: string;
      let colon: number;
      if (this.s.charCodeAt(k) === QUOTE) {
        const close = this.quoted(k, end);
        key = this.unquote(k, close);
        colon = close + 1;
        if (this.s.charCodeAt(colon) !== 58) throw new Unsupported();
      } else {
        colon = this.s.indexOf(':', k);
        if (colon < 0 || colon > end) throw new Unsupported();
        key = this.s.slice(k, colon);
      }
      this.nextLine(end);
      const value = colon + 1 === end ? this.block(indent + 2) : this.scalar(colon + 1, end);
      // A key of "__proto__" is data, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.at < this.s.length) {
      const ind = this.indent();
      if (ind < indent) break;
      const k = this.at + ind;
      if (ind > indent || this.s.charCodeAt(k) !== DASH) throw new Unsupported();
      const end = this.lineEnd();
      this.nextLine(end);
      out.push(k + 1 === end ? this.block(indent + 2) : this.scalar(k + 1, end));
    }
    return out;
  }

  private block(indent: number): unknown {
    if (this.at >= this.s.length || this.indent() !== indent) throw new Unsupported();
    return this.s.charCodeAt(this.at + indent) === DASH ? this.sequence(indent) : this.mapping(indent);
  }

  /** The index of the quote closing the JSON string that opens at `start`, on this line. */
  private quoted(start: number, end: number): number {
    for (let i = start + 1; i < end; i++) {
      const c = this.s.charCodeAt(i);
      if (c === QUOTE) return i;
      if (c === BACKSLASH) i++;
    }
    throw new Unsupported();
  }

  private unquote(start: number, close: number): string {
    const body = this.s.slice(start + 1, close);
    // Plain text needs no decoding; escapes and control characters go through JSON's rules.
    if (!/[\\\u0000-\u001f]/.test(body)) return body;
    try {
      return JSON.parse(this.s.slice(start, close + 1)) as string;
    } catch {
      throw new Unsupported();
    }
  }

  /** A value after ": " or "- ", from `start` (the space) to the end of the line. */
  private scalar(start: number, end: number): unknown {
    if (this.s.charCodeAt(start) !== SPACE) throw new Unsupported();
    const from = start + 1;
    const first = this.s.charCodeAt(from);
    if (first === QUOTE) {
      const close = this.quoted(from, end);
      if (close + 1 !== end) throw new Unsupported();
      return this.unquote(from, close);
    }
    const v = this.s.slice(from, end);
    if ((first >= 48 && first <= 57) || first === DASH) {
      if (NUMBER.test(v)) return Number(v);
    }
    switch (v) {
      case '[]':
        return [];
      case '{}':
        return {};
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      case '.nan':
        return NaN;
      case '.inf':
        return Infinity;
      case '-.inf':
        return -Infinity;
    }
    // Plain strings exactly as the emitter writes them; anything else goes to the full parser.
    if (isPlainString(v)) return v;
    throw new Unsupported();
  }
}
