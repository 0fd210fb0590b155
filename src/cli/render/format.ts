/** Small formatters shared by the terminal reporters. */
export { formatBytes, formatDuration, formatTime, formatValue } from '../../util/format.js';

const COLORS: Record<string, string> = { green: '32', red: '31', yellow: '33', dim: '2', bold: '1', cyan: '36' };

export function paint(enabled: boolean, color: keyof typeof COLORS, text: string): string {
  return enabled && text ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text;
}

export function statusColor(status: string): keyof typeof COLORS {
  return status === 'finished' ? 'green' : status === 'failed' || status === 'unreadable' ? 'red' : status === 'running' ? 'cyan' : 'yellow';
}
