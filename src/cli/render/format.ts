/** Small formatters shared by the terminal reporters. */
import { concat, isEmpty, sgr, type Styled, type Text } from '../terminal-text.js';

export { formatBytes, formatDuration, formatTime, formatValue } from '../../util/format.js';

const COLORS: Record<string, string> = { green: '32', red: '31', yellow: '33', magenta: '35', dim: '2', bold: '1', cyan: '36' };

/** `text` in a colour of tmt's, when colour is on; the text itself is escaped either way. */
export function paint(enabled: boolean, color: keyof typeof COLORS, text: Text): Styled {
  return enabled && !isEmpty(text) ? sgr(COLORS[color]!, text) : concat(text);
}

/** Each status its own colour: a run someone stopped (killed) is not one whose tmt vanished (stale). */
export function statusColor(status: string): keyof typeof COLORS {
  const colors: Record<string, keyof typeof COLORS> = { finished: 'green', failed: 'red', unreadable: 'red', running: 'cyan', killed: 'magenta', stale: 'yellow' };
  return Object.hasOwn(colors, status) ? colors[status]! : 'dim';
}
