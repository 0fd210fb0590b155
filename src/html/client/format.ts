/** Number, time and size formats for the page: the terminal's own (6 significant digits), plus axis labels and counts. */
import { formatBytes, formatDuration, formatTime, formatValue } from '../../util/format.js';

/** A number for reading; NaN and ±Infinity arrive as strings (see jsonForScript) and show as such. */
export function fmtNum(v: number | string | null | undefined): string {
  return v === null || v === undefined ? '' : formatValue(v);
}

/** Axis labels: short. */
export function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

export const fmtDuration = formatDuration;

export function fmtTime(iso: string | undefined): string {
  return formatTime(iso, { seconds: true });
}

export function fmtBytes(n: number | undefined): string {
  return n === undefined ? '?' : formatBytes(n);
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtCount(n)} ${n === 1 ? one : many}`;
}
