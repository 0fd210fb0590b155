/**
 * `tmt ui` as a real process for tests: started with --no-open, its address
 * (and token) read from what it prints, stopped after the test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { testEnv } from './env.js';
import { BIN } from './tmt.js';

export interface Served {
  child: ChildProcess;
  /** The printed address, token included. */
  url: string;
  port: number;
  token: string;
  stderr(): string;
}

const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill('SIGTERM');
});

export async function serveUi(dir: string, args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'ui', '--no-open', ...args], { cwd: dir, env: testEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const until = Date.now() + 20_000;
  while (!/tmt ui: (\S+)\n/.test(stdout)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`tmt ui did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /tmt ui: (\S+)\n/.exec(stdout)![1]!;
  const u = new URL(url);
  return { child, url, port: Number(u.port), token: u.searchParams.get('token')!, stderr: () => stderr };
}
