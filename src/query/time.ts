/**
 * Times as a researcher writes them: ISO dates and times (local time unless
 * a zone is given, as `tmt list` shows them and as git reads `--since`), spans
 * back from now (`30m`, `2h`, `-7d`, `1w`), `now`, `today` and `yesterday`. A
 * date without a time stands for its whole day: `started = 2026-11-24` is any
 * time that day, `started > 2026-11-24` is after it, `--until 2026-11-24`
 * includes it.
 */
import { TmtError } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SPAN = /^(\d+(?:\.\d+)?)\s*([smhdw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/;

/** A time as written; `now` and `today` are read against the clock when it is resolved. */
export type TimeRef =
  | { anchor: 'now'; offsetMs: number }
  /** Local midnight `days` from today's; a whole day. */
  | { anchor: 'today'; days: number }
  /** An instant; `day` when it is a local date without a time (a whole day). */
  | { anchor: 'abs'; ms: number; day?: { year: number; month: number; date: number } };

/** `90s`, `2h`: a duration in seconds, so `duration > 2h` reads naturally. */
export function parseSpanSeconds(text: string): number | undefined {
  const m = SPAN.exec(text.trim().toLowerCase());
  return m ? (Number(m[1]) * UNIT_MS[m[2]!]!) / 1000 : undefined;
}

/** Reads a time; undefined when the text is not one (or names a day that does not exist, 2026-02-30). */
export function readTime(text: string): TimeRef | undefined {
  const t = text.trim().toLowerCase();
  const span = parseSpanSeconds(t.startsWith('-') ? t.slice(1) : t);
  if (span !== undefined) return { anchor: 'now', offsetMs: -span * 1000 };
  if (t === 'now') return { anchor: 'now', offsetMs: 0 };
  if (t === 'today') return { anchor: 'today', days: 0 };
  if (t === 'yesterday') return { anchor: 'today', days: -1 };
  const m = DATE.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Math.round(Number(m[7] ?? 0) * 1000);
  const zone = m[8];
  if (zone !== undefined) {
    const [zh, zm] = zone === 'z' ? [0, 0] : [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (zh > 14 || zm > 59) return undefined;
    const utc = new Date(0);
    utc.setUTCFullYear(y, mo - 1, d); // setFullYear, not the constructor: years 0 to 99 stay themselves
    utc.setUTCHours(h, mi, s, ms);
    return { anchor: 'abs', ms: utc.getTime() - (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000 };
  }
  const local = localTime(y, mo - 1, d, h, mi, s, ms);
  return m[4] === undefined ? { anchor: 'abs', ms: local, day: { year: y, month: mo, date: d } } : { anchor: 'abs', ms: local };
}

/** Where a time starts, and for a whole day where it ends (the next local midnight). */
export function resolveTime(ref: TimeRef, nowMs: number): { start: number; end?: number } {
  if (ref.anchor === 'now') return { start: nowMs + ref.offsetMs };
  if (ref.anchor === 'abs') return ref.day ? { start: ref.ms, end: localTime(ref.day.year, ref.day.month - 1, ref.day.date + 1) } : { start: ref.ms };
  const today = new Date(nowMs);
  const [y, mo, d] = [today.getFullYear(), today.getMonth(), today.getDate() + ref.days];
  return { start: localTime(y, mo, d), end: localTime(y, mo, d + 1) };
}

/** Local time as epoch milliseconds; days past the month's end roll over, as Date does. */
function localTime(year: number, month: number, date: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(2000, 0, 1);
  t.setFullYear(year, month, date); // years 0 to 99 stay themselves (the Date constructor maps them to 19xx)
  t.setHours(h, mi, s, ms);
  return t.getTime();
}

/** `--since`/`--until`: epoch milliseconds; `--until` a day includes that whole day. */
export function parseTimeSpec(text: string, nowMs: number, flag: string, edge: 'start' | 'end' = 'start'): number {
  const ref = readTime(text);
  if (!ref) {
    throw new TmtError('BAD_ARGUMENT', `${flag}: cannot read "${text}" as a time`, {
      hint: 'use a date (2026-11-01, or 2026-11-01T14:00 in local time), a span back from now (30m, 2h, 3d, 1w), today or yesterday',
    });
  }
  const { start, end } = resolveTime(ref, nowMs);
  return edge === 'end' && end !== undefined ? end - 1 : start;
}

function daysIn(year: number, month: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month, 0); // day 0 of the next month: this month's last
  return t.getUTCDate();
}
