import { coerceValue } from '../note/values.js';

/** Programs whose own flags come before the script they run. */
const INTERPRETERS = /^(python[\d.]*|pypy[\d.]*|node|bun|deno|ruby|perl|Rscript|julia|bash|sh|zsh|uv|poetry|accelerate|torchrun)$/;

/**
 * Reads params from a command line the way researchers write them:
 * `--lr 0.01`, `--lr=0.01`, `-e 5` and bare `--flag` (true). Numbers stay
 * numbers. For an interpreter (`python -u train.py --lr 3`) only the flags
 * after the script count.
 */
export function paramsFromArgv(argv: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 1;
  if (INTERPRETERS.test(baseName(argv[0] ?? ''))) {
    while (i < argv.length && argv[i]!.startsWith('-')) i++; // interpreter flags
    i++; // the script or module
    if (argv[i - 1] === 'run') i++; // `uv run train.py`, `poetry run ...`
  }
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([A-Za-z_][\w.-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) continue;
    const key = m[1]!;
    if (m[2] !== undefined) {
      out[key] = coerceValue(m[2]);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && (!next.startsWith('-') || /^-\d|^-\.\d/.test(next))) {
      out[key] = coerceValue(next);
      i++;
    } else out[key] = true;
  }
  return out;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
