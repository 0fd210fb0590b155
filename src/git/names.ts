import { isUtf8 } from 'node:buffer';

/**
 * Text as git stored it. Git keeps bytes, not characters: names and file
 * contents are usually UTF-8, but need not be. Invalid UTF-8 is read as
 * Latin-1, which maps every byte to one character, so nothing is lost or
 * replaced by U+FFFD and the caller can say which reading was used.
 */
export function decodeBytes(buf: Buffer): { text: string; utf8: boolean } {
  return isUtf8(buf) ? { text: buf.toString('utf8'), utf8: true } : { text: buf.toString('latin1'), utf8: false };
}

/** A path name from git's `-z` output. */
export function decodeName(buf: Buffer): string {
  return decodeBytes(buf).text;
}
