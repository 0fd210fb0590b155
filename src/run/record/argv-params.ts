import { coerceValue } from '../note/values.js';

/** Programs whose own flags come before the script they run. */
const INTERPRETERS = /^(python[\d.]*|pypy[\d.]*|node|bun|deno|ruby|perl|Rscript|julia|bash|sh|zsh|uv|poetry|accelerate|torchrun)$/;

/** A flag on a command line, where its value is: the next argument, after `=` in the same one, or none (a bare switch). */
export interface FlagAt {
  key: string;
  /** The index of the flag's own argument. */
  at: number;
  value: { text: string; at: number; inline: boolean } | undefined;
}

/**
 * The flags of a command line the way researchers write them: `--lr 0.01`,
 * `--lr=0.01`, `-e 5` and bare `--flag`. For an interpreter (`python -u
 * train.py --lr 3`) only the flags after the script count.
 */
export function flagsOf(argv: readonly string[]): FlagAt[] {
  const out: FlagAt[] = [];
  let i = 1;
  if (INTERPRETERS.test(baseName(argv[0] ?? ''))) {
    while (i < argv.length && argv[i]!.startsWith('-')) i++; // interpreter flags
    i++; // the script or module
    if (argv[i - 1] === 'run') i++; // `uv run train.py`, `poetry run ...`
  }
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break; // what follows is positional, by convention
    const m = /^--?([A-Za-z_][\w.-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) continue;
    const key = m[1]!;
    if (m[2] !== undefined) {
      out.push({ key, at: i, value: { text: m[2], at: i, inline: true } });
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && (!next.startsWith('-') || /^-\d|^-\.\d/.test(next))) {
      out.push({ key, at: i, value: { text: next, at: i + 1, inline: false } });
      i++;
    } else out.push({ key, at: i, value: undefined });
  }
  return out;
}

/** Params from a command line's flags; numbers stay numbers, a bare switch is true. */
export function paramsFromArgv(argv: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of flagsOf(argv)) out[f.key] = f.value ? coerceValue(f.value.text) : true;
  return out;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
