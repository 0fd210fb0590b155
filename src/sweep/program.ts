/**
 * Whether a command can start, asked before a sweep records anything: a
 * misspelt program would otherwise be a thousand failed runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';

/** Throws a usage error unless `program` names an executable file (a path, relative to `cwd`, or a name on PATH). */
export function checkProgram(program: string, cwd: string, pathVar = process.env.PATH ?? ''): void {
  if (program === '') throw new TmtError('BAD_ARGUMENT', "the sweep's command is empty", { hint: 'command: python3 train.py (its first word is the program)' });
  const candidates = program.includes('/') ? [path.resolve(cwd, program)] : pathVar.split(path.delimiter).filter(Boolean).map((dir) => path.resolve(cwd, dir, program));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) {
        fs.accessSync(c, fs.constants.X_OK);
        return;
      }
    } catch {
      // not this one
    }
  }
  const exists = program.includes('/') && fs.existsSync(path.resolve(cwd, program));
  throw new TmtError('BAD_ARGUMENT', exists ? `the sweep's command ${program} is not executable` : `the sweep's command was not found: ${program}`, {
    hint: exists ? `chmod +x ${program}, or run it through its interpreter (command: python3 ${program} ...)` : program.includes('/') ? 'the path is relative to the directory tmt sweep runs in' : `is ${program} installed and on PATH?`,
  });
}
