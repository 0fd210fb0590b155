/** Small formatters shared by the terminal reporters. */

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Local time as `YYYY-MM-DD HH:MM`. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
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

const COLORS: Record<string, string> = { green: '32', red: '31', yellow: '33', dim: '2', bold: '1', cyan: '36' };

export function paint(enabled: boolean, color: keyof typeof COLORS, text: string): string {
  return enabled && text ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text;
}

export function statusColor(status: string): keyof typeof COLORS {
  return status === 'finished' ? 'green' : status === 'failed' || status === 'unreadable' ? 'red' : status === 'running' ? 'cyan' : 'yellow';
}
