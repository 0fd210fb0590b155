import { TmtError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** Parses sizes like `100M`, `2G`, `512k`, `1048576`; 0 means "no limit". */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) {
    throw new TmtError('BAD_ARGUMENT', `${flag}: cannot read "${text}" as a size`, {
      hint: 'use a number of bytes or a unit such as 500K, 100M, 2G (0 disables the cap)',
    });
  }
  return Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
}
