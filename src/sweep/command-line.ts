/**
 * A sweep's command line: the spec's text split into arguments the way a
 * shell would split it, but never run by one, and each trial's argv made from
 * it (placeholders filled, or params appended as flags).
 */
import type { Scalar } from './spec.js';

export interface CommandTemplate {
  /** Arguments, placeholders (`{lr}`) still in them. */
  argv: string[];
  /** Written as a YAML list, not split from a line. */
  fromList: boolean;
}

/**
 * Splits `python3 train.py --name 'a b'` into arguments: spaces separate,
 * single quotes keep everything, double quotes and backslashes as in sh.
 * What only a shell could do (pipes, redirects, variables, globs, `;`) is an
 * error, not a silent literal: the trial would not run what the user wrote.
 */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('the command has an unclosed quote (\')');
      cur += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && /["\\$`]/.test(line[j + 1] ?? '')) cur += line[++j];
        else if (line[j] === '$' || line[j] === '`') throw new Error(`the command uses the shell's ${line[j]} inside double quotes, and no shell runs it`);
        else cur += line[j];
      }
      if (j >= line.length) throw new Error('the command has an unclosed quote (")');
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('the command ends in a backslash');
      cur += line[++i];
    } else if ('|&;<>()$`*?'.includes(c) || (c === '~' && cur === '')) {
      throw new Error(`the command uses the shell's ${c}, and no shell runs it`);
    } else cur += c;
  }
  if (inWord) out.push(cur);
  if (out.length === 0) throw new Error('the command is empty');
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(out[0]!)) throw new Error(`the command starts with a variable assignment (${out[0]}): write env ${out[0]} ${out.slice(1, 2).join(' ')}...`);
  return out;
}

/** A param's value as a command-line argument: numbers in their shortest exact form (what Python's float() reads back), true/false as words. */
export function argText(v: Scalar): string {
  return String(v);
}

/**
 * One trial's argv: with placeholders, each `{key}` replaced by its value
 * (`{{` and `}}` are literal braces); without, `--key value` appended for each
 * param in order (`--key=value` when the value starts with `-`, so that it is
 * never read as a flag of its own).
 */
export function trialArgv(template: CommandTemplate, params: ReadonlyArray<readonly [string, Scalar]>): string[] {
  const values = new Map(params);
  const hasPlaceholders = template.argv.some((a) => /\{[A-Za-z_][A-Za-z0-9_-]*\}/.test(a.replace(/\{\{|\}\}/g, '')));
  if (hasPlaceholders) {
    return template.argv.map((a) => a.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_-]*)\}/g, (m, key?: string) => (key === undefined ? m[0]! : argText(values.get(key)!))));
  }
  const argv = template.argv.map((a) => a.replace(/\{\{|\}\}/g, (m) => m[0]!));
  for (const [key, v] of params) {
    const t = argText(v);
    if (t.startsWith('-')) argv.push(`--${key}=${t}`);
    else argv.push(`--${key}`, t);
  }
  return argv;
}
