/**
 * Merging two edits of one run's record, field by field, against the version
 * both started from (three-way). A field changed on one side only takes that
 * side. Tags and warnings merge as sets: what either side added is kept, and a
 * tag one side removed stays removed unless the other side added it again.
 * Params, metrics and env merge key by key. Any other field changed on both
 * sides takes the later edit (`updated`, else `ended`, else `started`). The
 * result does not depend on which side is local, so two clones merging the
 * same edits write the same note.
 */
import type { RunMeta } from '../run/note/metadata.js';

const SETS = new Set(['tags', 'warnings']);
/** The order tmt writes fields in (src/run/record/create.ts, then later edits); a merged note keeps it. */
const ORDER = ['schemaVersion', 'id', 'name', 'description', 'tags', 'status', 'params', 'metrics', 'started', 'host', 'git', 'snapshot', 'command', 'env', 'rerunOf', 'sweep', 'ended', 'durationMs', 'exitCode', 'failure', 'warnings', 'outputs', 'updated'];
const MAPS = new Set(['params', 'metrics', 'env']);

type Doc = Record<string, unknown>;

/** `base` undefined: the two sides share no earlier version (a two-way union). */
export function mergeMeta(base: RunMeta | undefined, a: RunMeta, b: RunMeta): RunMeta {
  const [newer, older] = newerFirst(a, b);
  const n = newer as unknown as Doc;
  const o = older as unknown as Doc;
  const bs = base as unknown as Doc | undefined;
  const out: Doc = {};
  for (const key of fieldOrder(n, o)) {
    let v: unknown;
    if (key === 'updated') v = [n[key], o[key]].filter((x): x is string => typeof x === 'string').sort().pop();
    else if (key === 'schemaVersion') v = Math.max(Number(n[key]) || 0, Number(o[key]) || 0);
    else if (SETS.has(key)) v = mergeSet(bs?.[key], n[key], o[key], !!bs);
    else if (MAPS.has(key)) v = mergeMap(asDoc(bs?.[key]), asDoc(n[key]), asDoc(o[key]), !!bs);
    else v = pick(bs?.[key], n[key], o[key], !!bs);
    if (v !== undefined) out[key] = v;
  }
  return out as unknown as RunMeta;
}

/** Whether two records hold the same values, whatever the order of their fields (NaN equals NaN). */
export function sameRecord(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameRecord((a as Doc)[k], (b as Doc)[k]));
}

/** How far ahead of this clock another clone's edit time may be before it is not believed. */
const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * A record from another clone whose edit time lies in the future (a wrong
 * clock, or a note made to win every merge) is not believed: it counts as
 * edited just before the local edit it competes with (`local`), so it never
 * beats a real edit made here; without one, when the version it started from
 * was edited (`base`, unless that is from the future too), or else when the
 * run started. Returns `meta` itself when it needs no change.
 */
export function clampEdited(meta: RunMeta, nowMs: number, local: RunMeta | undefined, base: RunMeta | undefined): RunMeta {
  // The slack is for clocks a little ahead, on edits nothing here competes with.
  const limit = local ? nowMs : nowMs + FUTURE_SLACK_MS;
  if (editedAt(meta) <= limit) return meta;
  const trusted = base && editedAt(base) <= limit ? editedAt(base) : Date.parse(meta.started) || 0;
  const at = local ? editedAt(local) - 1 : trusted;
  return { ...meta, updated: new Date(Math.max(0, Math.min(at, nowMs))).toISOString() };
}

/** When the record was last edited, in ms (0 when unknown). */
export function editedAt(meta: RunMeta): number {
  return Date.parse(meta.updated ?? meta.ended ?? meta.started) || 0;
}

function newerFirst(a: RunMeta, b: RunMeta): [RunMeta, RunMeta] {
  const d = editedAt(a) - editedAt(b);
  if (d !== 0) return d > 0 ? [a, b] : [b, a];
  // Same instant: any fixed order will do, as long as both clones pick the same.
  return JSON.stringify(a) >= JSON.stringify(b) ? [a, b] : [b, a];
}

/** Three-way pick of one value; both changed: the newer side. */
function pick(base: unknown, newer: unknown, older: unknown, hasBase: boolean): unknown {
  if (same(newer, older)) return newer;
  if (!hasBase) return newer === undefined ? older : newer;
  if (same(base, newer)) return older;
  return newer;
}

function mergeMap(base: Doc | undefined, newer: Doc | undefined, older: Doc | undefined, hasBase: boolean): Doc | undefined {
  if (!newer && !older) return undefined;
  const out: Doc = {};
  for (const k of unionKeys(newer ?? {}, older ?? {})) {
    const v = pick(base?.[k], newer?.[k], older?.[k], hasBase && base !== undefined);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function mergeSet(base: unknown, newer: unknown, older: unknown, hasBase: boolean): unknown[] | undefined {
  if (!Array.isArray(newer) && !Array.isArray(older)) return undefined;
  const b = new Set((Array.isArray(base) ? base : []).map(key));
  const n = Array.isArray(newer) ? newer : [];
  const o = Array.isArray(older) ? older : [];
  const inN = new Set(n.map(key));
  const inO = new Set(o.map(key));
  const keep = (x: unknown) => !hasBase || (inN.has(key(x)) && inO.has(key(x))) || !b.has(key(x));
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const x of [...n, ...o]) {
    if (seen.has(key(x)) || !keep(x)) continue;
    seen.add(key(x));
    out.push(x);
  }
  return out;
}

function unionKeys(a: Doc, b: Doc): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function fieldOrder(a: Doc, b: Doc): string[] {
  const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  return unionKeys(a, b).sort((x, y) => rank(x) - rank(y));
}

function asDoc(v: unknown): Doc | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;
}

/** A value's identity for comparing: JSON, except that NaN and ±Infinity stay apart from null and each other. */
function key(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${x}` : x)) ?? 'undefined';
}

function same(a: unknown, b: unknown): boolean {
  return key(a) === key(b);
}
