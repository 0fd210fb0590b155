import { spawnSync } from 'node:child_process';
import { testEnv } from './env.js';
import { BIN, type TmtResult } from './tmt.js';

/**
 * Runs the built CLI, killed after `ms`: a test of bounded work must fail, not
 * hang the suite, on the code before the fix. A killed run has code -1.
 */
export function tmtWithin(ms: number, cwd: string, args: string[]): TmtResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: testEnv, encoding: 'utf8', timeout: ms, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
