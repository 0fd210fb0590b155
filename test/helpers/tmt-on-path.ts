import fs from 'node:fs';
import path from 'node:path';
import { testEnv } from './env.js';
import { tempDir } from './git.js';
import { BIN } from './tmt.js';

/** The test environment with `tmt` on PATH, as a user's shell has it (for scripts that call the CLI, such as the README's Python). */
export function envWithTmtOnPath(): Record<string, string> {
  const bin = tempDir('tmt-bin-');
  fs.writeFileSync(path.join(bin, 'tmt'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  return { ...testEnv, PATH: `${bin}:${testEnv.PATH}` };
}
