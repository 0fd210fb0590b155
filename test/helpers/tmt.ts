import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.js';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/bin.js');

export interface TmtResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real process. */
export function tmt(cwd: string, args: string[], env: Record<string, string> = {}): TmtResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...testEnv, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI asynchronously (for concurrency tests). */
export function tmtAsync(cwd: string, args: string[], env: Record<string, string> = {}): Promise<TmtResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...testEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The tree id `tmt snapshot` prints, failing loudly on a non-zero exit. */
export function tmtTree(cwd: string, extra: string[] = []): string {
  const r = tmt(cwd, ['snapshot', ...extra]);
  if (r.code !== 0) throw new Error(`tmt snapshot exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}
