/**
 * Formatters shared by the terminal and the HTML page (which bundles this
 * module into its script), so both show the same numbers the same way.
 */

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Local time as `YYYY-MM-DD HH:MM`, or `HH:MM:SS` with `seconds`. */
export function formatTime(iso: string | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}${opts.seconds ? `:${p(d.getSeconds())}` : ''}`;
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    // Six significant digits; a large number keeps its exponent rather than looking exact (12345678.5 is 1.23457e+7, not 12345700).
    const p = v.toPrecision(6);
    return p.includes('e') ? p.replace(/\.?0+e/, 'e') : String(Number(p));
  }
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

