// tmt push and tmt get with LFS artifacts, in the cases a review found
// wanting: runs recorded while an upload is under way, pushes that should not
// look again (or should), objects the remote already has, what the keep ref
// protects, and where credentials and names from other clones could leak.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lfsFailure } from '../src/git/remote/native/lfs-transfer.js';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers/git.js';
import { startGitHttp } from './helpers/http-git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { tmt, tmtAsync } from './helpers/tmt.js';

requireGitLfsInCi();
afterAll(() => cleanupTemp());

const objectIn = (lfsDir: string, oid: string) => path.join(lfsDir, 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);

function file(bytes: number, name = 'model.pt'): string {
  const f = path.join(tempDir('tmt-lfs-file-'), name);
  fs.writeFileSync(f, randomBytes(bytes));
  return f;
}

async function record(dir: string, src: string, name = 'model.pt', env: Record<string, string> = {}): Promise<string> {
  const r = await tmtAsync(dir, ['record', '-q', '--no-pty', '--', 'sh', '-c', 'cp "$1" "$TMT_ARTIFACTS/$2"', 'sh', src, name], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(tmt(dir, ['list', '--json', '--limit', '1']).stdout).runs[0].id as string;
}

function oidAt(dir: string, id: string, name = 'model.pt'): string {
  return /oid sha256:([0-9a-f]{64})/.exec(git(dir, 'cat-file', 'blob', `refs/tmt/runs/${id}^2:artifacts/${name}`))![1]!;
}

function lfsProject(): { bare: string; dir: string } {
  const bare = bareRepo();
  const dir = projectWithRemote(bare);
  git(dir, 'config', 'tmt.lfs.threshold', '1K');
  return { bare, dir };
}

describe.skipIf(!gitLfs)('tmt push with LFS artifacts', () => {
  it('runs recorded while an upload is under way: the refs pushed are ones whose objects went first (a slow git-lfs, a run recorded meanwhile)', async () => {
    const { bare, dir } = lfsProject();
    const first = await record(dir, file(4096));
    // git-lfs that takes its time over each upload: long enough for another run to be recorded.
    const bin = tempDir('tmt-slow-lfs-');
    const marker = path.join(bin, 'uploading');
    fs.writeFileSync(path.join(bin, 'git-lfs'), `#!/bin/sh\nif [ "$1" = push ]; then touch '${marker}'; sleep 2; fi\nexec /usr/bin/git-lfs "$@"\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${testEnv.PATH}` };
    const pushing = tmtAsync(dir, ['push'], env);
    for (let i = 0; i < 200 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(marker)).toBe(true);
    const second = await record(dir, file(4096));
    const pushed = await pushing;
    expect(pushed.code, pushed.stderr).toBe(0);
    const onRemote = git(bare, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs').split('\n').filter(Boolean);
    // Every run the remote has, has its object there; and its note came along.
    for (const id of onRemote) {
      expect(fs.existsSync(objectIn(path.join(bare, 'lfs'), oidAt(dir, id))), `object of ${id}`).toBe(true);
      expect(git(bare, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`)).toContain(`id: ${id}`);
    }
    // The run recorded during the upload was seen by the scan that follows an upload, and went too.
    expect(onRemote.sort()).toEqual([first, second].sort());
  });

  it('a second push does not look again, nor warn again; a run named is always checked, so an object the remote lost is sent again', async () => {
    const { bare, dir } = lfsProject();
    const id = await record(dir, file(4096));
    const oid = oidAt(dir, id);
    const first = await tmtAsync(dir, ['push']);
    expect(first.stderr).toMatch(/uploading 1 LFS object/);
    const again = await tmtAsync(dir, ['push']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/uploading/);
    fs.rmSync(objectIn(path.join(bare, 'lfs'), oid));
    const named = await tmtAsync(dir, ['push', 'origin', id]);
    expect(named.code, named.stderr).toBe(0);
    expect(fs.existsSync(objectIn(path.join(bare, 'lfs'), oid))).toBe(true);
  });

  it('a clone that changes a fetched run (a metric logged) pushes it back without downloading its checkpoint first', async () => {
    const { dir } = lfsProject();
    const id = await record(dir, file(4096));
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const clone = cloneOf(git(dir, 'remote', 'get-url', 'origin'));
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    expect(tmt(clone, ['log', 'metric', 'acc=0.9', '--run', id]).code).toBe(0);
    const pushed = await tmtAsync(clone, ['push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(fs.existsSync(path.join(clone, '.git', 'lfs', 'objects'))).toBe(false);
  });

  it('a path remote that does not exist: one line, exit 7, nothing uploaded', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    await record(dir, file(4096));
    const r = await tmtAsync(dir, ['push', path.join(tempDir(), 'nowhere.git')]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^error: .*does not appear to be a git repository\)\nhint: /m);
  });
});

describe.skipIf(!gitLfs)('tmt push without git (isomorphic-git over HTTP)', () => {
  it('refuses a run whose LFS objects would have to go, before anything is pushed; other runs push by name', async () => {
    const root = tempDir('tmt-lfs-nogit-');
    const server = await startGitHttp(root);
    try {
      const bare = bareRepo(root, 'proj.git');
      const dir = projectWithRemote(server.url('proj.git'));
      git(dir, 'config', 'tmt.lfs.threshold', '1K');
      const big = await record(dir, file(4096));
      const small = await record(dir, file(100), 'notes.txt');
      // A PATH with node and nothing else: tmt finds no git, and so no git-lfs.
      const bin = tempDir('tmt-nogit-bin-');
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      const refused = await tmtAsync(dir, ['push'], { PATH: bin });
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(new RegExp(`^error: run ${big.slice(0, 12)} keeps artifacts in git LFS, and sending them needs git and git-lfs, which this machine lacks\nhint: `, 'm'));
      expect(git(bare, 'for-each-ref', 'refs/tmt', 'refs/notes')).toBe('');
      const other = await tmtAsync(dir, ['push', 'origin', small], { PATH: bin });
      expect(other.code, other.stderr).toBe(0);
      expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/tmt/runs')).toBe(`refs/tmt/runs/${small}`);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!gitLfs)('tmt get with LFS artifacts', () => {
  it('an object already here (another run has the same bytes) is kept for the run tmt get asked about: removing the other run and pruning leaves it', async () => {
    const { dir: h } = lfsProject();
    const bytes = file(4096);
    const r1 = await record(h, bytes);
    expect((await tmtAsync(h, ['push'])).code).toBe(0);
    const g = cloneOf(git(h, 'remote', 'get-url', 'origin'));
    git(g, 'config', 'tmt.lfs.threshold', '1K');
    const r2 = await record(g, bytes);
    expect((await tmtAsync(g, ['fetch'])).code).toBe(0);
    const out = path.join(tempDir(), 'm.pt');
    expect((await tmtAsync(g, ['get', r1, 'model.pt', '-o', out])).code).toBe(0);
    expect(tmt(g, ['rm', r2, '--yes']).code).toBe(0);
    git(g, 'lfs', 'prune');
    expect(fs.existsSync(objectIn(path.join(g, '.git', 'lfs'), oidAt(g, r1)))).toBe(true);
  });

  it('--remote names where to download from: a run fetched from a path that is no configured remote', async () => {
    const { bare, dir } = lfsProject();
    const src = file(4096);
    const id = await record(dir, src);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const other = makeRepo({ 'a.txt': 'a\n' });
    expect((await tmtAsync(other, ['fetch', bare])).code).toBe(0);
    const out = path.join(tempDir(), 'm.pt');
    const without = await tmtAsync(other, ['get', id, 'model.pt', '-o', out]);
    expect(without.code).toBe(4);
    expect(without.stderr).toMatch(/no remote to download it from/);
    const got = await tmtAsync(other, ['get', id, 'model.pt', '-o', out, '--remote', bare]);
    expect(got.code, got.stderr).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(src))).toBe(true);
  });

  it('tmt show prints the get command for a name with a tab as one line, in a form tmt get takes', async () => {
    const { dir } = lfsProject();
    const id = await record(dir, file(4096), 'a\tb.pt');
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const clone = cloneOf(git(dir, 'remote', 'get-url', 'origin'));
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const shown = tmt(clone, ['show', id]).stdout;
    const line = shown.split('\n').find((l) => l.includes('not here'))!;
    expect(line).toContain(`(tmt get ${id.slice(0, 12)} '"a\\tb.pt"')`);
    const out = tempDir();
    const got = spawnSync('sh', ['-c', `${/\((tmt get [^)]*)\)/.exec(line)![1]!.replace(/^tmt/, `"${process.execPath}" "${path.resolve('dist/cli/bin.js')}"`)} -o "${out}/"`], { cwd: clone, env: testEnv, encoding: 'utf8' });
    expect(got.status, got.stderr).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['a\tb.pt']);
  });
});

describe('what git-lfs says, as one line', () => {
  it('redacts a URL with a token before it cuts the message, so a long token never shows', () => {
    const token = 'ghp_' + 'x'.repeat(600);
    const e = lfsFailure(`batch response: Post "http://${token}@example.com/a.git/info/lfs/objects/batch": dial tcp: connection refused\n`, { label: 'origin', op: 'upload' });
    expect(e.message).not.toContain('ghp_');
    expect(e.code).toBe('REMOTE_UNREACHABLE');
  });

  it('a 404 on upload means no LFS store there, not a missing object', () => {
    const e = lfsFailure('batch response: Repository or object not found: http://h/a.git/info/lfs\nCheck that it exists and that you have proper access to it\n[404] Not Found', { label: 'origin', op: 'upload' });
    expect(e.message).toMatch(/has no git LFS store/);
    expect(lfsFailure('[0000] Object does not exist: [404] Object does not exist', { label: 'origin', op: 'download' }).code).toBe('NOT_FOUND');
  });
});
