import { spellOut } from '../terminal-text.js';

/**
 * Stored text on one line (a table cell, a field of `tmt show`): its control
 * characters spelled out as the output layer spells them (`\x1b`), and its
 * newlines too (`\n`), so a value cannot break the line it is shown on.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : c === '\n' ? '\\n' : spellOut(c)));
}
