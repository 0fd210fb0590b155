import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'git-http-server.mjs');
const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-ref-server.mjs');

export interface GitHttpServer {
  /** http://[user:password@]127.0.0.1:<port>/<name> for a bare repository <root>/<name>. */
  url(name: string, auth?: { user: string; password: string }): string;
  /** Requests served so far (to check a path really went over HTTP). */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * Starts git's own `git http-backend` behind a small Node server on 127.0.0.1
 * (test/helpers/git-http-server.mjs), in a process of its own so tests that
 * run git and tmt synchronously cannot stall it. Bare repositories under
 * `root` need `http.receivepack true` to accept pushes. With `auth`, every
 * request needs HTTP basic auth with that user and password.
 */
export async function startGitHttp(root: string, auth?: { user: string; password: string }): Promise<GitHttpServer> {
  return startServer(SERVER, [root, ...(auth ? [auth.user, auth.password] : [])]);
}

/**
 * A hostile HTTP "git server" (test/helpers/fake-ref-server.mjs) that
 * advertises exactly `refs` ([oid, refname] pairs, names unchecked) and
 * serves no objects: what a malicious host could send.
 */
export async function startFakeRefServer(refs: ReadonlyArray<readonly [string, string]>): Promise<GitHttpServer> {
  return startServer(FAKE, [JSON.stringify(refs)]);
}

async function startServer(script: string, args: string[]): Promise<GitHttpServer> {
  const child = spawn(process.execPath, [script, ...args], { env: testEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let requests = 0;
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (b: Buffer) => {
      buffered += b.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^listening (\d+)$/.exec(line);
        if (m) resolve(Number(m[1]));
        else if (line === 'request') requests++;
      }
    });
    child.on('exit', (code) => reject(new Error(`${path.basename(script)} exited (${code})`)));
  });
  return {
    url: (name, creds) => `http://${creds ? `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@` : ''}127.0.0.1:${port}/${name}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
