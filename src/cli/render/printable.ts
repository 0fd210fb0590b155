/**
 * Text from notes may come from anyone who can push to a shared remote. A
 * terminal obeys escape sequences (colours, window titles, even clipboard
 * writes), so stored text is shown with control characters spelled out
 * (`\x1b`) rather than sent to the terminal as they are.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
