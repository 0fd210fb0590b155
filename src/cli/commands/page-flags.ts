/** The flags of the HTML page, which `tmt diff` and `tmt compare` share: declared, read and checked once. */
import type { DiffLimits } from '../../compare/code.js';
import type { DirectionFlags } from '../../compare/direction.js';
import { TmtError } from '../../errors.js';
import { bool, list, text, type FlagsOf } from '../flags.js';

export const PAGE_FLAGS = {
  html: bool('--html', 'write one self-contained HTML page (no network needed) and print its path'),
  output: text('-o, --output <file>', 'where to write the page (implies --html; - for stdout; default under .git/tmt/html/)'),
  noOpen: bool('--no-open', "don't open the page in a browser (it never opens off a terminal or under CI)"),
  maxFiles: text('--max-files <n>', 'files whose diff the page embeds, at most (default 1000; 0 = all)'),
  maxLines: text('--max-lines <n>', 'diff lines the page embeds, at most (default 1000000; 0 = all)'),
  higherIsBetter: list('--higher-is-better <metric>', 'this metric is better when higher (repeatable, or comma-separated)'),
  lowerIsBetter: list('--lower-is-better <metric>', 'this metric is better when lower (repeatable, or comma-separated)'),
};

export interface PageFlags {
  /** --html, or implied by -o. */
  html: boolean;
  output?: string;
  open: boolean;
  /** The limits given; the others are the defaults (DEFAULT_LIMITS). */
  limits: Partial<DiffLimits>;
  directions: DirectionFlags;
}

export function readPageFlags(f: FlagsOf<typeof PAGE_FLAGS>): PageFlags {
  const limits: Partial<DiffLimits> = {};
  if (f.maxFiles !== undefined) limits.maxFiles = count(f.maxFiles, '--max-files');
  if (f.maxLines !== undefined) limits.maxLines = count(f.maxLines, '--max-lines');
  return {
    html: f.html || f.output !== undefined,
    output: f.output,
    open: !f.noOpen,
    limits,
    directions: { higher: f.higherIsBetter.flatMap(split), lower: f.lowerIsBetter.flatMap(split) },
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
