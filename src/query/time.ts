import { TmtError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time from an ISO date (`2026-11-01`, `2026-11-01T12:00`), a
 * relative span back from now (`30m`, `2h`, `3d`, `1w`, also `-7d`), or
 * `now`, `today` and `yesterday` (midnight UTC). Returns epoch milliseconds.
 */
export function parseTimeSpec(text: string, nowMs: number, flag: string): number {
  const t = text.trim().toLowerCase();
  const rel = /^-?(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  const midnight = Math.floor(nowMs / 86_400_000) * 86_400_000;
  if (t === 'now') return nowMs;
  if (t === 'today') return midnight;
  if (t === 'yesterday') return midnight - 86_400_000;
  if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(/[t ]/.test(t) && !/(z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t.replace(' ', 'T')}Z` : t.toUpperCase());
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TmtError('BAD_ARGUMENT', `${flag}: cannot read "${text}" as a time`, {
    hint: 'use an ISO date (2026-11-01 or 2026-11-01T14:00), a span back from now (30m, 2h, 3d, 1w), today or yesterday',
  });
}
