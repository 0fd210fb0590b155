// The test server's git LFS batch API (test/helpers/git-http-server.mjs)
// against the real git-lfs client, with plain git and git-lfs only: later LFS
// tests of tmt rely on it behaving like a real LFS host.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, gitRaw, tempDir } from './helpers/git.js';
import { startGitHttp, type GitHttpServer } from './helpers/http-git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { bareRepo } from './helpers/remote.js';

requireGitLfsInCi();

const root = tempDir('tmt-lfs-http-');
const creds = { user: 'alice', password: 's3cret' };
const AUTH = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
const LFS_JSON = 'application/vnd.git-lfs+json';
// No hooks: the first `git lfs clean` in a repo would install them. The
// password comes from a credential helper (git-lfs asks git's credential
// machinery after a 401), not from the URL.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];
const HELPER = ['-c', `credential.helper=!f() { test "$1" = get && printf 'username=alice\\npassword=s3cret\\n'; }; f`];
const env = { ...testEnv, GIT_TERMINAL_PROMPT: '0' };
let server: GitHttpServer;

beforeAll(async () => {
  if (gitLfs) server = await startGitHttp(root, creds);
});
afterAll(async () => {
  await server?.close();
  cleanupTemp();
});

/** `git lfs ARGS` in `cwd`, run asynchronously: the server's stdout (its counters) is read meanwhile. */
function lfs(cwd: string, args: string[], opts: { config?: string[] } = {}): Promise<{ status: number | null; stderr: string }> {
  const child = spawn('git', [...(opts.config ?? [...NO_HOOKS, ...HELPER]), 'lfs', ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

function newRepo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q');
  return dir;
}

/** `git lfs clean` of `content` in `repo`: the object goes to .git/lfs/objects; returns its pointer. */
function clean(repo: string, content: Buffer): { oid: string; pointer: string } {
  const r = spawnSync('git', [...NO_HOOKS, 'lfs', 'clean'], { cwd: repo, env, input: content, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(r.stdout)![1]!;
  expect(r.stdout).toBe(pointerOf(content).pointer);
  return { oid, pointer: r.stdout };
}

/** The pointer of `content`, written by hand (docs/lfs-research.md §1), for content that no repo stores. */
function pointerOf(content: Buffer): { oid: string; pointer: string } {
  const oid = createHash('sha256').update(content).digest('hex');
  return { oid, pointer: `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n` };
}

/** A tree of the pointer blob alone: `git lfs fetch <remote> <tree>` fetches exactly that object (docs/lfs-research.md §4). */
function treeOf(repo: string, pointer: string): string {
  const blob = gitRaw(repo, ['hash-object', '-w', '--stdin'], pointer).stdout.trim();
  return gitRaw(repo, ['mktree'], `100644 blob ${blob}\t0\n`).stdout.trim();
}

const objectIn = (lfsDir: string, oid: string) => path.join(lfsDir, 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

describe.skipIf(!gitLfs)('LFS over the test HTTP server, with the real git-lfs', () => {
  it.each([
    ['proj.git', 'proj'],
    ['plain', 'plain'],
  ])('push --object-id to bare repo %s (URL /%s), then fetch it into another repo', async (name, urlName) => {
    const bare = bareRepo(root, name);
    const content = randomBytes(300_000);
    const a = newRepo();
    const { oid, pointer } = clean(a, content);
    const before = server.lfsRequests;
    // git-lfs asks for <url>.git/info/lfs whether or not the URL or the repo's directory ends in .git.
    const pushed = await lfs(a, ['push', '--object-id', server.url(urlName), oid]);
    expect(pushed.status, pushed.stderr).toBe(0);
    // The server prints its lines in order: once this one is read, so are the requests before it.
    await server.waitFor(`lfs-stored ${oid}`);
    expect(server.lfsRequests).toBeGreaterThan(before);
    expect(fs.readFileSync(objectIn(path.join(bare, 'lfs'), oid)).equals(content)).toBe(true);
    expect(filesUnder(path.join(bare, 'lfs', 'tmp'))).toEqual([]);

    const b = newRepo();
    const fetched = await lfs(b, ['fetch', server.url(name), treeOf(b, pointer)]);
    expect(fetched.status, fetched.stderr).toBe(0);
    expect(fs.readFileSync(objectIn(path.join(b, '.git', 'lfs'), oid)).equals(content)).toBe(true);
  });

  it('git requests still go to git http-backend, and are not counted as LFS ones', async () => {
    bareRepo(root, 'code.git');
    const a = newRepo();
    git(a, 'commit', '-q', '--allow-empty', '-m', 'first');
    const [requests, lfsRequests] = [server.requests, server.lfsRequests];
    const pushed = spawn('git', [...HELPER, 'push', '-q', server.url('code'), 'HEAD:refs/heads/main'], { cwd: a, env, stdio: 'ignore' });
    expect(await new Promise((resolve) => pushed.on('close', resolve))).toBe(0);
    expect(git(path.join(root, 'code.git'), 'rev-parse', 'main')).toBe(git(a, 'rev-parse', 'HEAD'));
    // The server printed its lines before answering, so they are ready to read: one turn of the event loop reads them.
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.requests).toBeGreaterThan(requests);
    expect(server.lfsRequests).toBe(lfsRequests);
  });

  it('an object the server lacks: git lfs fetch says "Object does not exist" (rc 2)', async () => {
    bareRepo(root, 'empty.git');
    const b = newRepo();
    const { oid, pointer } = pointerOf(Buffer.from('never uploaded\n'));
    const r = await lfs(b, ['fetch', server.url('empty.git'), treeOf(b, pointer)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`[${oid}] Object does not exist`);
    expect(filesUnder(path.join(b, '.git', 'lfs', 'objects'))).toEqual([]);
  });

  it('without credentials git-lfs gets a 401 and gives up; nothing is stored', async () => {
    const bare = bareRepo(root, 'locked.git');
    const a = newRepo();
    const { oid } = clean(a, Buffer.from('secret stuff\n'));
    const r = await lfs(a, ['push', '--object-id', server.url('locked'), oid], { config: NO_HOOKS });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`Git credentials for ${server.url('locked')} not found`);
    expect(filesUnder(path.join(bare, 'lfs'))).toEqual([]);
  });

  it('answers the batch, upload, verify, download and locks requests as docs/lfs-research.md §6 says', async () => {
    const bare = bareRepo(root, 'api.git');
    const a = newRepo();
    const stored = Buffer.from('stored\n');
    const { oid: have } = clean(a, stored);
    expect((await lfs(a, ['push', '--object-id', server.url('api'), have])).status).toBe(0);
    const { oid: missing } = pointerOf(Buffer.from('missing\n'));
    const lfsUrl = `${server.url('api.git')}/info/lfs`;
    const call = async (method: string, sub: string, body?: unknown, headers: Record<string, string> = { Authorization: AUTH }) => {
      const r = await fetch(`${lfsUrl}${sub}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, type: r.headers.get('content-type'), auth: r.headers.get('www-authenticate'), json: await r.json().catch(() => undefined) };
    };

    expect(await call('POST', '/objects/batch', {}, {})).toMatchObject({ status: 401, type: LFS_JSON, auth: 'Basic realm="git"' });

    const objects = [
      { oid: have, size: stored.length },
      { oid: missing, size: 8 },
      { oid: have.toUpperCase(), size: 1 },
      { oid: missing, size: -1 },
    ];
    const up = await call('POST', '/objects/batch', { operation: 'upload', transfers: ['basic'], objects });
    expect(up).toMatchObject({ status: 200, type: LFS_JSON });
    expect(up.json).toEqual({
      transfer: 'basic',
      hash_algo: 'sha256',
      objects: [
        { oid: have, size: stored.length },
        {
          oid: missing,
          size: 8,
          actions: {
            upload: { href: `${lfsUrl}/objects/${missing}`, expires_in: 3600 },
            verify: { href: `${lfsUrl}/objects/verify`, expires_in: 3600 },
          },
        },
        { oid: have.toUpperCase(), size: 1, error: { code: 422, message: 'Invalid object id or size' } },
        { oid: missing, size: -1, error: { code: 422, message: 'Invalid object id or size' } },
      ],
    });
    const down = await call('POST', '/objects/batch', { operation: 'download', objects: objects.slice(0, 2) });
    expect(down.json.objects).toEqual([
      { oid: have, size: stored.length, actions: { download: { href: `${lfsUrl}/objects/${have}`, expires_in: 3600 } } },
      { oid: missing, size: 8, error: { code: 404, message: 'Object does not exist' } },
    ]);
    // The same repository without .git in the URL path; hrefs follow the path asked for.
    const plain = await fetch(`${server.url('api')}/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { Authorization: AUTH },
      body: JSON.stringify({ operation: 'download', objects: objects.slice(0, 1) }),
    });
    expect((await plain.json()).objects[0].actions.download.href).toBe(`${server.url('api')}/info/lfs/objects/${have}`);
    expect((await call('POST', '/objects/batch', { operation: 'delete', objects: [] })).status).toBe(422);
    expect((await call('POST', '/objects/batch', 'not json')).status).toBe(422);

    // Content that does not hash to the oid in the URL is refused and not kept.
    const put = await fetch(`${lfsUrl}/objects/${missing}`, { method: 'PUT', headers: { Authorization: AUTH }, body: 'not missing\n' });
    expect(put.status).toBe(422);
    expect(filesUnder(path.join(bare, 'lfs'))).toEqual([path.relative(path.join(bare, 'lfs'), objectIn(path.join(bare, 'lfs'), have))]);

    expect(await call('POST', '/objects/verify', { oid: have, size: stored.length })).toMatchObject({ status: 200, json: {} });
    expect((await call('POST', '/objects/verify', { oid: missing, size: 8 })).status).toBe(404);
    const got = await fetch(`${lfsUrl}/objects/${have}`, { headers: { Authorization: AUTH } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(stored)).toBe(true);
    expect((await call('GET', `/objects/${missing}`)).status).toBe(404);

    for (const [method, sub] of [['GET', '/locks'], ['POST', '/locks/verify'], ['GET', '/elsewhere']] as const) {
      expect(await call(method, sub, method === 'POST' ? {} : undefined)).toMatchObject({ status: 404, type: LFS_JSON, json: { message: expect.any(String) } });
    }
    const noRepo = await fetch(`${server.url('nothere.git')}/info/lfs/objects/batch`, { method: 'POST', headers: { Authorization: AUTH }, body: '{}' });
    expect(noRepo.status).toBe(404);
  });

  it('a client killed mid-upload leaves no object; pushing again stores it', async () => {
    const stalling = await startGitHttp(root, creds, { stallUploads: true });
    let client: ReturnType<typeof spawn> | undefined;
    try {
      const bare = bareRepo(root, 'killed.git');
      const a = newRepo();
      const content = randomBytes(8 << 20);
      const { oid } = clean(a, content);
      // Its own process group, so the kill reaches git-lfs too, not only the git that started it.
      client = spawn('git', [...NO_HOOKS, ...HELPER, 'lfs', 'push', '--object-id', stalling.url('killed'), oid], { cwd: a, env, detached: true, stdio: 'ignore' });
      const exited = new Promise((resolve) => client!.once('exit', resolve));
      await stalling.waitFor(`lfs-upload-started ${oid}`);
      await stalling.waitFor(`lfs-upload-stalled ${oid}`);
      // Mid-transfer: the client waits, part of the body is in a temp file, nothing under objects.
      expect(client.exitCode).toBe(null);
      expect(filesUnder(path.join(bare, 'lfs', 'tmp'))).toHaveLength(1);
      expect(filesUnder(path.join(bare, 'lfs', 'objects'))).toEqual([]);
      process.kill(-client.pid!, 'SIGKILL');
      await exited;
      // The server stopped reading, so it cannot see the client go: its temp file stays (in lfs/tmp, named
      // upload-<oid>-<random>, never an oid) until the server closes. What matters: no object.
      expect(filesUnder(path.join(bare, 'lfs', 'objects'))).toEqual([]);
      expect(filesUnder(path.join(bare, 'lfs', 'tmp'))).toEqual([expect.stringMatching(new RegExp(`^upload-${oid}-[0-9a-f]+$`))]);

      // The temp file is not taken for the object: the batch asks for the upload again.
      const again = await lfs(a, ['push', '--object-id', server.url('killed'), oid]);
      expect(again.status, again.stderr).toBe(0);
      expect(fs.readFileSync(objectIn(path.join(bare, 'lfs'), oid)).equals(content)).toBe(true);
    } finally {
      if (client?.exitCode === null && client.signalCode === null) process.kill(-client.pid!, 'SIGKILL');
      await stalling.close();
    }
  });
});
