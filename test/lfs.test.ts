// Large artifacts through git LFS (issue 16), with Debian's real git-lfs:
// record stores the object as `git lfs clean` would, push uploads it before
// any ref moves (to a bare repository on disk, and over HTTP to an LFS server
// the real client talks to), a clone fetches pointers only and `tmt get`
// brings the object on demand, and `git lfs prune` keeps what runs use.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, gitRaw, makeRepo, tempDir } from './helpers/git.js';
import { startGitHttp } from './helpers/http-git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { bareRepo, cloneOf, configText, projectWithRemote } from './helpers/remote.js';
import { BIN, tmt, tmtAsync } from './helpers/tmt.js';

requireGitLfsInCi();
afterAll(() => cleanupTemp());

const MB = 1024 * 1024;
const objectIn = (lfsDir: string, oid: string) => path.join(lfsDir, 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);

/** A file of random bytes (incompressible, so a blob of it in a pack would show its size). */
function bigFile(bytes: number): string {
  const file = path.join(tempDir('tmt-lfs-big-'), 'model.pt');
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= MB) fs.writeSync(fd, randomBytes(Math.min(MB, left)));
  fs.closeSync(fd);
  return file;
}

/** Records a run whose command copies `file` into its artifacts as `name`; returns the run id. */
async function recordWith(dir: string, file: string, name = 'model.pt', extra: string[] = []): Promise<{ id: string; stderr: string }> {
  const r = await tmtAsync(dir, ['record', '--no-pty', ...extra, '--', 'sh', '-c', `cp "$1" "$TMT_ARTIFACTS/$2"`, 'sh', file, name]);
  expect(r.code, r.stderr).toBe(0);
  const id = JSON.parse(tmt(dir, ['list', '--json', '--limit', '1']).stdout).runs[0].id as string;
  return { id, stderr: r.stderr };
}

/** `git lfs clean` of `file` in a scratch repository, without hooks: the oracle for pointer bytes. */
function lfsClean(file: string): string {
  const scratch = tempDir('tmt-lfs-oracle-');
  git(scratch, 'init', '-q');
  const r = spawnSync('git', ['-c', 'core.hooksPath=/dev/null', 'lfs', 'clean'], { cwd: scratch, env: testEnv, input: fs.readFileSync(file), encoding: 'utf8', maxBuffer: 64 * MB });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

function pointerAt(dir: string, rev: string): { oid: string; size: number; text: string } {
  const text = git(dir, 'cat-file', 'blob', rev) + '\n';
  const m = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:([0-9a-f]{64})\nsize (\d+)\n$/.exec(text);
  expect(m, `not a pointer: ${text.slice(0, 200)}`).not.toBeNull();
  return { oid: m![1]!, size: Number(m![2]), text };
}

/** Blobs in a bare repository's packs and loose objects at or over `min` bytes. */
function bigBlobs(bare: string, min: number): string[] {
  const out: string[] = [];
  const packDir = path.join(bare, 'objects', 'pack');
  for (const idx of fs.existsSync(packDir) ? fs.readdirSync(packDir).filter((f) => f.endsWith('.idx')) : []) {
    for (const line of git(bare, 'verify-pack', '-v', path.join(packDir, idx)).split('\n')) {
      const [oid, type, size] = line.split(/\s+/);
      if (type === 'blob' && Number(size) >= min) out.push(oid!);
    }
  }
  const loose = git(bare, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize) %(objectname)');
  for (const line of loose.split('\n')) {
    const [type, size, oid] = line.split(' ');
    if (type === 'blob' && Number(size) >= min && !out.includes(oid!)) out.push(oid!);
  }
  return out;
}

describe.skipIf(!gitLfs)('large artifacts in git LFS', () => {
  it('a 30 MB artifact (default threshold 10 MiB) is a pointer in the outputs tree, the object is where git lfs clean puts it, byte for byte; git-lfs itself recognises it; no hooks or config written', async () => {
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    const hooksBefore = fs.readdirSync(path.join(dir, '.git', 'hooks')).sort();
    const configBefore = configText(dir);
    const file = bigFile(30 * MB);
    const { id, stderr } = await recordWith(dir, file);
    expect(stderr).not.toMatch(/warning/);
    expect(fs.readdirSync(path.join(dir, '.git', 'hooks')).sort()).toEqual(hooksBefore);
    expect(configText(dir)).toBe(configBefore);
    const outputs = `refs/tmt/runs/${id}^2`;
    const p = pointerAt(dir, `${outputs}:artifacts/model.pt`);
    expect(p.text).toBe(lfsClean(file));
    expect(p.size).toBe(30 * MB);
    const object = objectIn(path.join(dir, '.git', 'lfs'), p.oid);
    expect(fs.readFileSync(object).equals(fs.readFileSync(file))).toBe(true);
    expect(git(dir, 'cat-file', '-p', `${outputs}:.gitattributes`)).toBe('"artifacts/model.pt" filter=lfs diff=lfs merge=lfs -text');
    expect(git(dir, 'lfs', 'ls-files', '-l', outputs)).toBe(`${p.oid} - artifacts/model.pt`);
    expect(gitRaw(dir, ['lfs', 'fsck', '--pointers', outputs]).status).toBe(0);
    expect(gitRaw(dir, ['lfs', 'fsck', '--objects', outputs]).status).toBe(0);
    // The keep ref lists the run, by its outputs tree.
    const tree = git(dir, 'rev-parse', `${outputs}^{tree}`);
    expect(git(dir, 'ls-tree', '--name-only', 'refs/tmt-lfs/keep')).toBe(id);
    expect(git(dir, 'ls-tree', `refs/tmt-lfs/keep:${id}`)).toBe(`040000 tree ${tree}\t${tree}`);
    // Small files stay blobs; show gives the real size and says where the content is.
    const show = JSON.parse(tmt(dir, ['show', id, '--json']).stdout).run;
    expect(show.artifacts).toEqual([{ path: 'model.pt', size: 30 * MB, lfs: { oid: p.oid, here: true } }]);
    expect(tmt(dir, ['show', id]).stdout).toMatch(/model\.pt +30\.0 MiB +git LFS\n/);
    // tmt get from the object store, byte-identical; and to stdout.
    const out = path.join(tempDir(), 'got.pt');
    expect(tmt(dir, ['get', id, 'model.pt', '-o', out]).code).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);
    // tmt log artifact onto the finished run goes to LFS too, and the attributes name both.
    const second = bigFile(11 * MB);
    const logged = tmt(dir, ['log', 'artifact', second, '--run', id]);
    expect(logged.code, logged.stderr).toBe(0);
    const q = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
    expect(q.oid).not.toBe(p.oid);
    expect(git(dir, 'cat-file', '-p', `refs/tmt/runs/${id}^2:.gitattributes`)).toBe('"artifacts/model.pt" filter=lfs diff=lfs merge=lfs -text');
    git(dir, 'fsck', '--strict', '--no-progress');
  });

  it('tmt.lfs.threshold decides: 0 never uses LFS, 1K stores a 2 KiB artifact in LFS and leaves a 1000-byte one a blob; a bad value is one line, exit 2', async () => {
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    const small = path.join(tempDir(), 'small.bin');
    fs.writeFileSync(small, randomBytes(1000));
    const medium = bigFile(2048);
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const a = await recordWith(dir, medium);
    pointerAt(dir, `refs/tmt/runs/${a.id}^2:artifacts/model.pt`);
    const b = await recordWith(dir, small, 'small.bin');
    expect(git(dir, 'cat-file', '-s', `refs/tmt/runs/${b.id}^2:artifacts/small.bin`)).toBe('1000');
    expect(gitRaw(dir, ['cat-file', '-e', `refs/tmt/runs/${b.id}^2:.gitattributes`]).status).not.toBe(0);
    git(dir, 'config', 'tmt.lfs.threshold', '0');
    const c = await recordWith(dir, bigFile(11 * MB));
    expect(git(dir, 'cat-file', '-s', `refs/tmt/runs/${c.id}^2:artifacts/model.pt`)).toBe(String(11 * MB));
    git(dir, 'config', 'tmt.lfs.threshold', 'lots');
    const bad = await tmtAsync(dir, ['record', '--no-pty', '--', 'sh', '-c', `cp "${medium}" "$TMT_ARTIFACTS/m.pt"`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: git config tmt\.lfs\.threshold: cannot read "lots" as a size\nhint: /m);
    // Refused before anything ran: no run was made.
    expect(JSON.parse(tmt(dir, ['list', '--json']).stdout).runs).toHaveLength(3);
  });

  it('push to a bare repository on disk puts the object in its LFS store and no large blob in its packs; a fresh clone fetches pointers only, and tmt get brings the byte-identical file', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'config', 'tmt.lfs.threshold', '1M');
    const file = bigFile(30 * MB);
    const { id } = await recordWith(dir, file);
    const { oid } = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
    const pushed = await tmtAsync(dir, ['push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stderr).toMatch(/pushed 1 run and notes to origin \(with 1 LFS object\)/);
    expect(fs.readFileSync(objectIn(path.join(bare, 'lfs'), oid)).equals(fs.readFileSync(file))).toBe(true);
    expect(bigBlobs(bare, 1 * MB)).toEqual([]);
    expect(git(bare, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(dir, 'rev-parse', `refs/tmt/runs/${id}`));

    const clone = cloneOf(bare);
    const fetched = await tmtAsync(clone, ['fetch']);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fs.existsSync(path.join(clone, '.git', 'lfs'))).toBe(false);
    expect(JSON.parse(tmt(clone, ['show', id, '--json']).stdout).run.artifacts[0].lfs).toEqual({ oid, here: false });
    expect(tmt(clone, ['show', id]).stdout).toContain(`git LFS, not here (tmt get ${id.slice(0, 12)} model.pt)`);
    const out = path.join(tempDir(), 'model.pt');
    const got = await tmtAsync(clone, ['get', id, 'model.pt', '-o', out]);
    expect(got.code, got.stderr).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);
    expect(JSON.parse(tmt(clone, ['show', id, '--json']).stdout).run.artifacts[0].lfs).toEqual({ oid, here: true });
    // The downloaded object is kept from git lfs prune by the keep ref.
    expect(git(clone, 'ls-tree', '--name-only', 'refs/tmt-lfs/keep')).toBe(id);
    git(clone, 'lfs', 'prune');
    expect(fs.existsSync(objectIn(path.join(clone, '.git', 'lfs'), oid))).toBe(true);
    // Pushing it back (a round trip) needs nothing new.
    expect((await tmtAsync(clone, ['push'])).code).toBe(0);
  });

  it('two clones that each log an LFS artifact to the same run merge their outputs: both artifacts stay LFS, and tmt get gives both byte for byte on either side', async () => {
    const bare = bareRepo();
    const a = projectWithRemote(bare);
    git(a, 'config', 'tmt.lfs.threshold', '1K');
    const { id } = await recordWith(a, bigFile(100), 'small.txt');
    expect((await tmtAsync(a, ['push'])).code).toBe(0);
    const b = cloneOf(bare);
    git(b, 'config', 'tmt.lfs.threshold', '1K');
    expect((await tmtAsync(b, ['fetch'])).code).toBe(0);
    const one = bigFile(5000);
    const two = bigFile(6000);
    expect(tmt(a, ['log', 'artifact', one, '--run', id]).code).toBe(0);
    const fromB = path.join(tempDir(), 'other.pt');
    fs.copyFileSync(two, fromB);
    expect(tmt(b, ['log', 'artifact', fromB, '--run', id]).code).toBe(0);
    expect((await tmtAsync(a, ['push'])).code).toBe(0);
    const pushedB = await tmtAsync(b, ['push']);
    expect(pushedB.code, pushedB.stderr).toBe(0);
    expect((await tmtAsync(a, ['fetch'])).code).toBe(0);
    for (const dir of [a, b]) {
      expect(git(dir, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(bare, 'rev-parse', `refs/tmt/runs/${id}`));
      const attrs = git(dir, 'cat-file', '-p', `refs/tmt/runs/${id}^2:.gitattributes`);
      expect(attrs).toBe('"artifacts/model.pt" filter=lfs diff=lfs merge=lfs -text\n"artifacts/other.pt" filter=lfs diff=lfs merge=lfs -text');
      const out = tempDir();
      const got = await tmtAsync(dir, ['get', id, '--all', '-o', out]);
      expect(got.code, got.stderr).toBe(0);
      expect(fs.readFileSync(path.join(out, 'model.pt')).equals(fs.readFileSync(one))).toBe(true);
      expect(fs.readFileSync(path.join(out, 'other.pt')).equals(fs.readFileSync(two))).toBe(true);
    }
  });

  it('a run restored after tmt rm (with the command rm prints) is kept from git lfs prune again by tmt recover', async () => {
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const { id } = await recordWith(dir, bigFile(4096));
    const { oid } = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
    const rm = tmt(dir, ['rm', id, '--yes']);
    const restore = /restore here: (.*)$/m.exec(rm.stdout + rm.stderr)?.[1];
    expect(restore, rm.stderr).toBeDefined();
    expect(spawnSync('sh', ['-c', restore!], { cwd: dir, env: testEnv }).status).toBe(0);
    expect(gitRaw(dir, ['rev-parse', '--verify', '-q', 'refs/tmt-lfs/keep']).status).not.toBe(0);
    const recovered = tmt(dir, ['recover']);
    expect(recovered.stderr).toContain('kept the LFS objects of 1 run from git lfs prune again');
    expect(git(dir, 'ls-tree', '--name-only', 'refs/tmt-lfs/keep')).toBe(id);
    git(dir, 'lfs', 'prune');
    expect(fs.existsSync(objectIn(path.join(dir, '.git', 'lfs'), oid))).toBe(true);
  });

  it('a user with git-lfs hooks installed (git lfs install --local) still pushes to a path remote', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'lfs', 'install', '--local');
    expect(fs.readFileSync(path.join(dir, '.git', 'hooks', 'pre-push'), 'utf8')).toMatch(/git lfs pre-push/);
    const { id } = await recordWith(dir, bigFile(11 * MB));
    const { oid } = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
    const pushed = await tmtAsync(dir, ['push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(fs.existsSync(objectIn(path.join(bare, 'lfs'), oid))).toBe(true);
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/tmt/runs')).toBe(`refs/tmt/runs/${id}`);
  });

  it('git lfs prune keeps the objects of runs that exist, and frees a run\'s objects once tmt rm removed it (an object two runs share stays while one uses it)', async () => {
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const shared = bigFile(4096);
    const own = bigFile(4096);
    const a = await recordWith(dir, shared);
    const b = await recordWith(dir, own);
    const c = await recordWith(dir, shared);
    const lfsDir = path.join(dir, '.git', 'lfs');
    const sharedOid = pointerAt(dir, `refs/tmt/runs/${a.id}^2:artifacts/model.pt`).oid;
    const ownOid = pointerAt(dir, `refs/tmt/runs/${b.id}^2:artifacts/model.pt`).oid;
    // An orphan (what a crash before publishing could leave) is what prune is for.
    const orphan = spawnSync('git', ['-c', 'core.hooksPath=/dev/null', 'lfs', 'clean'], { cwd: dir, env: testEnv, input: randomBytes(5000), encoding: 'utf8' });
    const orphanOid = /oid sha256:([0-9a-f]{64})/.exec(orphan.stdout)![1]!;
    // The test clock dates every ref 2026-01-01: far outside git-lfs's "recent" window, as old runs are.
    git(dir, 'lfs', 'prune');
    expect([sharedOid, ownOid].map((o) => fs.existsSync(objectIn(lfsDir, o)))).toEqual([true, true]);
    expect(fs.existsSync(objectIn(lfsDir, orphanOid))).toBe(false);

    expect(tmt(dir, ['rm', b.id, '--yes']).code).toBe(0);
    git(dir, 'lfs', 'prune');
    expect([sharedOid, ownOid].map((o) => fs.existsSync(objectIn(lfsDir, o)))).toEqual([true, false]);
    expect(tmt(dir, ['rm', a.id, '--yes']).code).toBe(0);
    git(dir, 'lfs', 'prune');
    expect(fs.existsSync(objectIn(lfsDir, sharedOid))).toBe(true);
    expect(git(dir, 'ls-tree', '--name-only', 'refs/tmt-lfs/keep')).toBe(c.id);
    expect(tmt(dir, ['rm', c.id, '--yes']).code).toBe(0);
    expect(gitRaw(dir, ['rev-parse', '--verify', '-q', 'refs/tmt-lfs/keep']).status).not.toBe(0);
    git(dir, 'lfs', 'prune');
    expect(fs.existsSync(objectIn(lfsDir, sharedOid))).toBe(false);
  });
});

describe.skipIf(!gitLfs)('LFS over HTTP, to a server the real git-lfs client talks to', () => {
  const creds = { user: 'alice', password: 's3cret' };
  // git-lfs asks git's credential machinery after a 401; the password is never in a URL or in tmt's hands.
  const helper = `!f() { test "$1" = get && printf 'username=alice\\npassword=s3cret\\n'; }; f`;

  it('push uploads the object to the endpoint derived from the remote URL before any ref moves; a clone over HTTP gets it back byte-identical; a missing object is one line, exit 4', async () => {
    const root = tempDir('tmt-lfs-http-');
    const server = await startGitHttp(root, creds);
    try {
      bareRepo(root, 'proj.git');
      const url = server.url('proj.git');
      const dir = makeRepo({ 'train.py': 'print(1)\n' });
      git(dir, 'config', 'credential.helper', helper);
      git(dir, 'remote', 'add', 'origin', url);
      expect(gitRaw(dir, ['push', '-q', 'origin', 'main']).status).toBe(0);
      git(dir, 'config', 'tmt.lfs.threshold', '1M');
      const file = bigFile(12 * MB);
      const { id } = await recordWith(dir, file);
      const { oid } = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
      const before = server.lfsRequests;
      const pushed = await tmtAsync(dir, ['push']);
      expect(pushed.code, pushed.stderr).toBe(0);
      await server.waitFor(`lfs-stored ${oid}`);
      expect(server.lfsRequests).toBeGreaterThan(before);
      const bare = path.join(root, 'proj.git');
      expect(fs.readFileSync(objectIn(path.join(bare, 'lfs'), oid)).equals(fs.readFileSync(file))).toBe(true);
      expect(bigBlobs(bare, MB)).toEqual([]);

      const clone = path.join(tempDir('tmt-lfs-clone-'), 'work');
      expect(spawnSync('git', ['-c', `credential.helper=${helper}`, 'clone', '-q', url, clone], { env: testEnv }).status).toBe(0);
      git(clone, 'config', 'credential.helper', helper);
      expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
      expect(fs.existsSync(path.join(clone, '.git', 'lfs', 'objects'))).toBe(false);
      const out = path.join(tempDir(), 'model.pt');
      const got = await tmtAsync(clone, ['get', id, 'model.pt', '-o', out]);
      expect(got.code, got.stderr).toBe(0);
      expect(fs.readFileSync(out).equals(fs.readFileSync(file))).toBe(true);

      // The host lost the object: tmt get says so in one line, exit 4, and writes nothing.
      const other = makeRepo({ 'train.py': 'print(2)\n' });
      git(other, 'config', 'credential.helper', helper);
      git(other, 'remote', 'add', 'origin', url);
      fs.rmSync(objectIn(path.join(bare, 'lfs'), oid));
      expect((await tmtAsync(other, ['fetch'])).code).toBe(0);
      const lost = path.join(tempDir(), 'lost.pt');
      const missing = await tmtAsync(other, ['get', id, 'model.pt', '-o', lost]);
      expect(missing.code, missing.stderr).toBe(4);
      expect(missing.stderr).toMatch(/^error: .*does not have the LFS object .*\nhint: /m);
      expect(fs.existsSync(lost)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('kill -9 of tmt push while an LFS upload is under way leaves no remote ref and no object there; pushing again completes', async () => {
    const root = tempDir('tmt-lfs-kill-');
    bareRepo(root, 'proj.git');
    const stalling = await startGitHttp(root, undefined, { stallUploads: true });
    const bare = path.join(root, 'proj.git');
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1M');
    const file = bigFile(12 * MB);
    const { id } = await recordWith(dir, file);
    const { oid } = pointerAt(dir, `refs/tmt/runs/${id}^2:artifacts/model.pt`);
    try {
      git(dir, 'remote', 'add', 'origin', stalling.url('proj.git'));
      // Its own process group: git-lfs runs as a child of git, and kill -9 of one process would orphan it.
      const child = spawn(process.execPath, [BIN, 'push'], { cwd: dir, env: testEnv, detached: true, stdio: 'ignore' });
      await stalling.waitFor(`lfs-upload-stalled ${oid}`);
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((resolve) => child.on('close', resolve));
    } finally {
      await stalling.close();
    }
    expect(git(bare, 'for-each-ref', 'refs/tmt', 'refs/notes')).toBe('');
    expect(fs.existsSync(objectIn(path.join(bare, 'lfs'), oid))).toBe(false);

    const server = await startGitHttp(root);
    try {
      git(dir, 'remote', 'set-url', 'origin', server.url('proj.git'));
      const again = await tmtAsync(dir, ['push']);
      expect(again.code, again.stderr).toBe(0);
      expect(fs.readFileSync(objectIn(path.join(bare, 'lfs'), oid)).equals(fs.readFileSync(file))).toBe(true);
      expect(git(bare, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(dir, 'rev-parse', `refs/tmt/runs/${id}`));
    } finally {
      await server.close();
    }
  });
});
