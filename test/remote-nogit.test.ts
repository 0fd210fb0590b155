import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, tempDir } from './helpers/git.js';
import { startGitHttp, type GitHttpServer } from './helpers/http-git.js';
import { bareRepo, cloneOf, expectRunsWithNotes, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';

/** A PATH holding node and nothing else: no git for tmt to find. */
const noGitBin = tempDir('tmt-nogit-bin-');
fs.symlinkSync(process.execPath, path.join(noGitBin, 'node'));
const NO_GIT = { PATH: noGitBin };

const root = tempDir('tmt-http-nogit-');
const creds = { user: 'ann', password: 'pw' };
let server: GitHttpServer;
let locked: GitHttpServer;

beforeAll(async () => {
  server = await startGitHttp(root);
  locked = await startGitHttp(root, creds);
});
afterAll(async () => {
  await Promise.all([server.close(), locked.close()]);
  cleanupTemp();
});

async function noGit(dir: string, args: string[]) {
  const r = await tmtAsync(dir, args, NO_GIT);
  expect(r.code, `tmt ${args.join(' ')} without git: ${r.stderr}`).toBe(0);
  return r;
}

async function listed(dir: string) {
  const r = await tmtAsync(dir, ['list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).runs as Array<{ id: string; name?: string; tags: string[]; params: Record<string, unknown>; metrics: Record<string, number> }>;
}

describe('sharing runs where git is not installed (isomorphic-git over HTTP)', () => {
  it('git really is off PATH for these runs', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = await tmtAsync(dir, ['list'], NO_GIT);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: git is not installed or not on PATH$/m);
  });

  it('push, list --remote, fetch with a notes merge, and push back: all over HTTP, without git', async () => {
    const bare = bareRepo(root, 'nogit.git');
    const url = server.url('nogit.git');
    const seed = projectWithRemote(url);
    const rec = await tmtAsync(seed, ['record', '-n', 'rec', '-q', '--', 'sh', '-c', 'echo "line out"; echo \'{"step":1,"acc":0.8}\' >> "$TMT_METRICS"']);
    expect(rec.code, rec.stderr).toBe(0);
    const shared = await save(seed, '-n', 'shared', '-p', 'lr=0.1');
    const clone = cloneOf(url);
    fs.writeFileSync(path.join(clone, 'mine.py'), 'mine\n');
    const own = await save(clone, '-n', 'clone-own');

    const served = server.requests;
    const pushed = await noGit(seed, ['push']);
    expect(pushed.stderr).toMatch(/pushed 2 runs and notes to origin/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests).toBeGreaterThan(served);
    expectRunsWithNotes(bare, 2);
    expect([...runRefs(bare)]).toEqual([...runRefs(seed)]);

    const remote = JSON.parse((await noGit(clone, ['list', '--remote', 'origin', '--json'])).stdout);
    expect(remote.runs.map((r: { meta: { name: string } }) => r.meta.name).sort()).toEqual(['rec', 'shared']);
    expect(runRefs(clone).size).toBe(1); // listing changed nothing local

    // The clone has notes of its own: the fetch merges two unrelated notes histories, without git.
    expect((await noGit(clone, ['fetch'])).stderr).toMatch(/2 new runs; notes merged/);
    expectRunsWithNotes(clone, 3);
    expect(git(clone, 'log', '-1', '--format=%P', 'refs/notes/tmt').split(' ')).toHaveLength(2);
    const show = JSON.parse((await tmtAsync(clone, ['show', 'rec', '--json'])).stdout).run;
    expect(show.meta.metrics.acc).toMatchObject({ last: 0.8, count: 1 });
    expect(show.logs.stdout.tail).toEqual(['line out']);
    fsck(clone);

    // The same run edited on both sides; the clone merges without git and pushes back.
    expect((await tmtAsync(seed, ['edit', shared, '--name', 'renamed'])).code).toBe(0);
    expect((await tmtAsync(seed, ['push'])).code).toBe(0);
    expect((await tmtAsync(clone, ['edit', shared, '--tag', 'checked'])).code).toBe(0);
    expect((await noGit(clone, ['push'])).stderr).toMatch(/after merging what was there once/);
    expectRunsWithNotes(bare, 3);
    expect((await tmtAsync(seed, ['fetch'])).code).toBe(0);
    const merged = (await listed(seed)).find((r) => r.id === shared)!;
    expect(merged).toMatchObject({ name: 'renamed', tags: ['checked'], params: { lr: 0.1 } });
    expect((await listed(seed)).map((r) => r.id).sort()).toEqual([...runRefs(bare).keys()].sort());
    expect(runRefs(seed).get(own)).toBe(runRefs(bare).get(own));
    fsck(seed);
    fsck(bare);
    expect(fs.readdirSync(path.join(clone, '.git/tmt')).filter((f) => f.startsWith('http-'))).toEqual([]);
  });

  it('without git: a remote that is not http(s), and failed authentication, are one-line errors', async () => {
    const bare = bareRepo(root, 'locked.git');
    const dir = projectWithRemote(locked.url('locked.git', creds));
    await save(dir, '-n', 'x');
    const path1 = await tmtAsync(dir, ['push', bare], NO_GIT);
    expect(path1.code).toBe(3);
    expect(path1.stderr).toMatch(/^error: git is not installed, and without it tmt reaches only http\(s\) remotes/m);
    const wrong = await tmtAsync(dir, ['push', locked.url('locked.git', { user: 'ann', password: 'nope' })], NO_GIT);
    expect(wrong.code).toBe(7);
    expect(wrong.stderr).toMatch(/^error: .*authentication failed \(HTTP 401\)$/m);
    expect((await tmtAsync(dir, ['fetch', 'http://127.0.0.1:9/none.git'], NO_GIT)).stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9\/none\.git \(ECONNREFUSED\)$/m);
    expect(runRefs(bare).size).toBe(0);
    await noGit(dir, ['push']); // the right password in origin's URL works
    expectRunsWithNotes(bare, 1);
  });

  it("writes notes trees fanned out exactly as git's notes code does", async () => {
    const iso = await import('isomorphic-git');
    const { objectStore } = await import('../src/git/remote/nogit/objects.js');
    const { writeNotesTree } = await import('../src/git/remote/nogit/notes-tree.js');
    const dir = makeRepo({ 'a.txt': 'a\n' });
    const head = git(dir, 'rev-parse', 'HEAD');
    for (const n of [3, 40, 300, 5000]) {
      gitRaw(dir, ['update-ref', '-d', 'refs/notes/x']);
      git(dir, 'notes', '--ref=x', 'add', '-m', 'note', head);
      const objects = Array.from({ length: n }, (_, i) => createHash('sha1').update(`object ${i} of ${n}`).digest('hex'));
      // One `git notes copy --stdin` loads the whole tree, adds every note and writes once.
      expect(gitRaw(dir, ['notes', '--ref=x', 'copy', '--stdin'], objects.map((o) => `${head} ${o}\n`).join('')).status).toBe(0);
      const notes = new Map(git(dir, 'notes', '--ref=x', 'list').split('\n').map((l) => l.split(' ').reverse() as [string, string]));
      const ours = writeNotesTree(objectStore(iso, path.join(dir, '.git')), notes);
      expect(ours, `${n + 1} notes`).toBe(git(dir, 'rev-parse', 'refs/notes/x^{tree}'));
    }
  });
});
