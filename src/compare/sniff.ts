/**
 * What a file is, judged by its bytes and never by its name: a page shows an
 * artifact as an image only when its first bytes say it is one, so a file
 * called `plot.png` that holds HTML is shown as (escaped) text.
 */
import { isUtf8 } from 'node:buffer';

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/svg+xml';

const SIGNATURES: Array<[ImageType, number[], number]> = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0],
  ['image/jpeg', [0xff, 0xd8, 0xff], 0],
  ['image/gif', [0x47, 0x49, 0x46, 0x38], 0], // GIF8(7|9)a
  ['image/webp', [0x57, 0x45, 0x42, 0x50], 8], // RIFF....WEBP
];

/** The image type the bytes begin with, or undefined. */
export function sniffImage(buf: Buffer): ImageType | undefined {
  for (const [type, magic, at] of SIGNATURES) {
    if (buf.length >= at + magic.length && magic.every((b, i) => buf[at + i] === b)) {
      if (type !== 'image/webp' || buf.subarray(0, 4).toString('latin1') === 'RIFF') return type;
    }
  }
  return isSvg(buf) ? 'image/svg+xml' : undefined;
}

/** An SVG document: optional BOM, XML declaration, comments and doctype, then an <svg> root. */
function isSvg(buf: Buffer): boolean {
  const head = buf.subarray(0, 4096);
  if (!isUtf8(head) && !isUtf8(buf)) return false;
  let s = head.toString('utf8').replace(/^\uFEFF/, '');
  for (;;) {
    const before = s;
    s = s.replace(/^\s+/, '').replace(/^<\?xml[^>]*\?>/, '').replace(/^<!--[\s\S]*?-->/, '').replace(/^<!DOCTYPE[^>[]*(\[[^\]]*\])?\s*>/i, '');
    if (s === before) break;
  }
  return /^<svg[\s>/]/.test(s);
}

/** Text worth showing: no NUL bytes near the start, the way git decides a file is not binary. */
export function looksText(buf: Buffer): boolean {
  return !buf.subarray(0, 8000).includes(0);
}
