import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'git-http-server.mjs');
const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-ref-server.mjs');

export interface GitHttpServer {
  /** http://[user:password@]127.0.0.1:<port>/<name> for a bare repository <root>/<name>. */
  url(name: string, auth?: { user: string; password: string }): string;
  /** Requests served so far, git and LFS (to check a path really went over HTTP). */
  readonly requests: number;
  /** LFS requests (under <repo>/info/lfs) served so far, 401s included. */
  readonly lfsRequests: number;
  /**
   * Resolves with the first line the server printed, or prints later, that is
   * `line` or matches it, e.g. `lfs-upload-stalled <oid>` or /^lfs-stored /
   * (see git-http-server.mjs for the lines). Rejects if the server exits
   * first, or after `timeoutMs`: a clear failure rather than a test timeout
   * that skips the test's own clean-up.
   */
  waitFor(line: string | RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export interface GitHttpOptions {
  /** Every LFS upload reads about half its body, then stalls without answering (to kill a client mid-upload). */
  stallUploads?: boolean;
}

/**
 * Starts git's own `git http-backend` behind a small Node server on 127.0.0.1
 * (test/helpers/git-http-server.mjs), in a process of its own so tests that
 * run git and tmt synchronously cannot stall it. Bare repositories under
 * `root` need `http.receivepack true` to accept pushes. With `auth`, every
 * request needs HTTP basic auth with that user and password. It also serves
 * the git LFS batch API at <url>[.git]/info/lfs, storing objects in the bare
 * repository's lfs/objects, as git-lfs does for a file:// remote.
 */
export async function startGitHttp(root: string, auth?: { user: string; password: string }, opts: GitHttpOptions = {}): Promise<GitHttpServer> {
  return startServer(SERVER, [...(opts.stallUploads ? ['--stall-uploads'] : []), root, ...(auth ? [auth.user, auth.password] : [])]);
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
  let lfsRequests = 0;
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  let exited: Error | undefined;
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
        else if (line === 'lfs-request') {
          requests++;
          lfsRequests++;
        } else {
          lines.push(line);
          for (let i = waiters.length - 1; i >= 0; i--) {
            if (waiters[i]!.match(line)) waiters.splice(i, 1)[0]!.resolve(line);
          }
        }
      }
    });
    child.on('exit', (code) => {
      exited = new Error(`${path.basename(script)} exited (${code})`);
      reject(exited);
      for (const w of waiters.splice(0)) w.reject(exited);
    });
  });
  return {
    url: (name, creds) => `http://${creds ? `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@` : ''}127.0.0.1:${port}/${name}`,
    get requests() {
      return requests;
    },
    get lfsRequests() {
      return lfsRequests;
    },
    waitFor: (line, timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const match = (l: string) => (typeof line === 'string' ? l === line : line.test(l));
        const seen = lines.find(match);
        if (seen !== undefined) return resolve(seen);
        if (exited) return reject(exited);
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no server line ${String(line)} in ${timeoutMs} ms; it printed: ${JSON.stringify(lines)}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (l: string) => (clearTimeout(timer), resolve(l)),
          reject: (e: Error) => (clearTimeout(timer), reject(e)),
        };
        waiters.push(waiter);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // SIGTERM closes its connections and exits; SIGKILL only if that is stuck (a busy machine, a stalled upload).
        const stuck = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => (clearTimeout(stuck), resolve()));
        child.kill('SIGTERM');
      }),
  };
}
