/** Flags `tmt diff` and `tmt compare` share, read and checked once. */
import { DEFAULT_LIMITS, type DiffLimits } from '../../compare/code.js';
import type { DirectionFlags } from '../../compare/direction.js';
import { TmtError } from '../../errors.js';

export interface RawPageFlags {
  html?: boolean;
  output?: string;
  open: boolean;
  maxFiles?: string;
  maxLines?: string;
  higherIsBetter: string[];
  lowerIsBetter: string[];
}

export interface PageFlags {
  /** --html, or implied by -o. */
  html: boolean;
  output?: string;
  open: boolean;
  limits: DiffLimits;
  directions: DirectionFlags;
}

export function readPageFlags(raw: RawPageFlags): PageFlags {
  return {
    html: !!raw.html || raw.output !== undefined,
    output: raw.output,
    open: raw.open,
    limits: {
      maxFiles: raw.maxFiles === undefined ? DEFAULT_LIMITS.maxFiles : count(raw.maxFiles, '--max-files'),
      maxLines: raw.maxLines === undefined ? DEFAULT_LIMITS.maxLines : count(raw.maxLines, '--max-lines'),
    },
    directions: { higher: raw.higherIsBetter.flatMap(split), lower: raw.lowerIsBetter.flatMap(split) },
  };
}

function split(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

function count(value: string, flag: string): number {
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new TmtError('BAD_ARGUMENT', `${flag}: expected a whole number (0 for no limit), got "${value}"`, { hint: `${flag} 5000` });
  return n;
}
