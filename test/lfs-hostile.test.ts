/**
 * LFS runs crafted by someone with push access to a shared remote (with git
 * plumbing, as test/get-hostile.test.ts does), damaged LFS objects here, and
 * what a demanding user does with LFS artifacts: concurrent records of the
 * same file, adding one to a finished run, tmt rm then git lfs prune,
 * Ctrl-C during a download, a relative lfs.storage, a linked worktree, runs
 * fetched from a URL.
 *
 * What makes an entry an LFS artifact (decided in src/run/outputs/lfs-entries.ts,
 * and tested here): the outputs tree's .gitattributes names its exact path in
 * tmt's own line shape AND its blob is a canonical pointer. Both hold: it is
 * one, exactly as a git checkout of the outputs commit would smudge it, and
 * tmt get asks the remotes for its object, which is checked by hash and size.
 * Either one alone: a plain file, written as it is stored.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers/git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { seededRandom } from './helpers/random.js';
import { bareRepo, cloneOf, configText, projectWithRemote } from './helpers/remote.js';
import { BIN, tmtAsync, type TmtResult } from './helpers/tmt.js';

afterAll(cleanupTemp);
requireGitLfsInCi();

const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];
const ATTRS = ' filter=lfs diff=lfs merge=lfs -text';

function bytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const pointer = (oid: string, size: number | string) => Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`);
const pointerOf = (content: Buffer) => pointer(sha256(content), content.length);
const line = (name: string) => `"artifacts/${name}"${ATTRS}\n`;
const objectFile = (dir: string, oid: string) => path.join(dir, '.git/lfs/objects', oid.slice(0, 2), oid.slice(2, 4), oid);

function blob(dir: string, content: Buffer | string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env: testEnv, input: content }).toString().trim();
}

function mktree(dir: string, entries: ReadonlyArray<[mode: string, type: string, oid: string, name: string]>): string {
  const input = entries.map(([mode, type, oid, name]) => `${mode} ${type} ${oid}\t${name}\0`).join('');
  return execFileSync('git', ['mktree', '-z'], { cwd: dir, env: testEnv, input }).toString().trim();
}

/**
 * Swaps run `id`'s outputs commit for one whose artifacts are `artifacts`
 * (flat names) and whose root .gitattributes is `attributes` (none if
 * undefined), logs and metrics kept; the run commit and its note follow.
 */
function craftRun(dir: string, id: string, artifacts: ReadonlyArray<[name: string, content: Buffer]>, attributes?: Buffer | string): void {
  const ref = `refs/tmt/runs/${id}`;
  const old = git(dir, 'rev-parse', ref);
  const note = git(dir, 'notes', '--ref=tmt', 'show', old) + '\n';
  const oldOutputs = note.match(/^outputs: ([0-9a-f]{40})$/m)![1]!;
  const kept = git(dir, 'ls-tree', oldOutputs).split('\n').map((l) => l.match(/^(\d+) (\w+) ([0-9a-f]{40})\t(.*)$/)!).filter((m) => m[4] !== 'artifacts' && m[4] !== '.gitattributes');
  const arts = mktree(dir, artifacts.map(([name, content]) => ['100644', 'blob', blob(dir, content), name]));
  const tree = mktree(dir, [
    ...kept.map((m) => [m[1]!, m[2]!, m[3]!, m[4]!] as [string, string, string, string]),
    ['040000', 'tree', arts, 'artifacts'],
    ...(attributes === undefined ? [] : [['100644', 'blob', blob(dir, attributes), '.gitattributes'] as [string, string, string, string]]),
  ]);
  const outputs = git(dir, 'commit-tree', tree, '-m', `tmt outputs ${id}`);
  const commit = git(dir, 'commit-tree', git(dir, 'rev-parse', `${old}^{tree}`), '-p', git(dir, 'rev-parse', `${old}^1`), '-p', outputs, '-m', `tmt run ${id}`);
  git(dir, 'update-ref', ref, commit, old);
  spawnSync('git', ['notes', '--ref=tmt', 'remove', old], { cwd: dir, env: testEnv });
  git(dir, 'notes', '--ref=tmt', 'add', '-C', blob(dir, note.replace(oldOutputs, outputs)), commit);
}

const REAL = bytes(2000, 7);
const REAL_OID = sha256(REAL);
const src = tempDir('tmt-lfs-src-');
fs.writeFileSync(path.join(src, 'real.bin'), REAL);

/** A project whose remote (a bare repository on disk) has a run with an LFS artifact real.bin, pushed by tmt with its object. */
async function seeded(): Promise<{ bare: string; seed: string; id: string }> {
  const bare = bareRepo();
  const seed = projectWithRemote(bare);
  git(seed, 'config', 'tmt.lfs.threshold', '1K');
  const rec = await tmtAsync(seed, ['record', '-q', '--no-pty', '-n', 'evil', '--', 'sh', '-c', `cp "${src}/real.bin" "$TMT_ARTIFACTS/real.bin"`]);
  expect(rec.code, rec.stderr).toBe(0);
  const id = git(seed, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
  const push = await tmtAsync(seed, ['push']);
  expect(push.code, push.stderr).toBe(0);
  expect(fs.existsSync(path.join(bare, 'lfs/objects', REAL_OID.slice(0, 2), REAL_OID.slice(2, 4), REAL_OID))).toBe(true);
  return { bare, seed, id };
}

/** Plain git pushes the crafted run (a bare repository does not check what it receives); a teammate clones and fetches it with tmt. */
async function publishAndClone(seed: string, bare: string): Promise<string> {
  git(seed, 'push', '-q', '-f', 'origin', 'refs/tmt/runs/*:refs/tmt/runs/*', 'refs/notes/tmt:refs/notes/tmt');
  const clone = cloneOf(bare);
  const f = await tmtAsync(clone, ['fetch']);
  expect(f.code, f.stderr).toBe(0);
  return clone;
}

type Shown = Array<{ path: string; size: number; lfs?: { oid: string; here: boolean } }>;
async function shown(dir: string, id: string): Promise<Shown> {
  const r = await tmtAsync(dir, ['show', id, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).run.artifacts;
}

/** Every file below `dir` (relative names), links and all. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((p) => !fs.lstatSync(path.join(dir, p)).isDirectory()).sort();
}

/** The CLI with stdout as bytes, and how long it took. */
function tmtBytes(cwd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: testEnv });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr, ms: Date.now() - start }));
  });
}

function errorLines(r: TmtResult | { stderr: string }): string[] {
  return r.stderr.trimEnd().split('\n');
}

describe.skipIf(!gitLfs)('hostile LFS runs fetched from a remote', () => {
  it('(a) only an entry that .gitattributes names AND whose blob is a pointer is LFS; a pointer claiming 10^15 bytes is asked for, not found, and costs nothing', async () => {
    const { bare, seed, id } = await seeded();
    const fake = 'f'.repeat(64);
    const artifacts: Array<[string, Buffer]> = [
      ['real.bin', pointerOf(REAL)],
      ['claims.bin', pointer(fake, '1000000000000000')], // named: an LFS artifact of 10^15 bytes that nobody has
      ['liar.bin', pointer(REAL_OID, '1000000000000000')], // named: a real object, with a size that is not its own
      ['unnamed-pointer.bin', pointerOf(REAL)], // pointer text, not named: a plain file
      ['named-junk.bin', Buffer.from('named in .gitattributes, but not a pointer\n')],
    ];
    craftRun(seed, id, artifacts, ['real.bin', 'claims.bin', 'liar.bin', 'named-junk.bin'].map(line).join(''));
    const clone = await publishAndClone(seed, bare);
    const config = configText(clone);

    const listed = await shown(clone, id);
    const by = (name: string) => listed.find((a) => a.path === name)!;
    expect(by('real.bin')).toEqual({ path: 'real.bin', size: REAL.length, lfs: { oid: REAL_OID, here: false } });
    expect(by('claims.bin')).toEqual({ path: 'claims.bin', size: 1e15, lfs: { oid: fake, here: false } });
    expect(by('liar.bin').lfs).toEqual({ oid: REAL_OID, here: false });
    expect(by('unnamed-pointer.bin')).toEqual({ path: 'unnamed-pointer.bin', size: pointerOf(REAL).length });
    expect(by('named-junk.bin').lfs).toBeUndefined();

    // Plain files come as stored, and need no download.
    for (const name of ['unnamed-pointer.bin', 'named-junk.bin']) {
      const r = await tmtBytes(clone, ['get', id, name, '-o', '-']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.equals(artifacts.find(([n]) => n === name)![1]), name).toBe(true);
    }
    expect(fs.existsSync(path.join(clone, '.git/lfs'))).toBe(false);
    expect(configText(clone)).toBe(config);

    // The 10^15-byte claim: git-lfs finds no such object; one error and its hint, in bounded time; nothing written or reserved.
    const top = tempDir('tmt-lfs-hostile-');
    for (const name of ['claims.bin', 'liar.bin']) {
      const r = await tmtBytes(clone, ['get', id, name, '-o', path.join(top, name)]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.ms).toBeLessThan(30_000);
      const lines = errorLines(r);
      expect(lines, r.stderr).toHaveLength(2);
      expect(lines[0]).toMatch(/^error: origin does not have the LFS object \(/);
      expect(lines[1]).toMatch(/^hint: the run reached it without the object/);
    }
    const all = await tmtBytes(clone, ['get', id, '--all', '-o', path.join(top, 'all')]);
    expect(all.code, all.stderr).toBe(4);
    expect(filesUnder(top)).toEqual([]);
    // git-lfs kept nothing big anywhere (no preallocation of the claimed size), and no object under the claimed oids.
    for (const f of filesUnder(path.join(clone, '.git/lfs'))) expect(fs.statSync(path.join(clone, '.git/lfs', f)).size, f).toBeLessThan(1 << 20);
    expect(fs.existsSync(objectFile(clone, fake))).toBe(false);

    // The real one, asked for alone, downloads and checks out.
    const real = await tmtBytes(clone, ['get', id, 'real.bin', '-o', '-']);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout.equals(REAL)).toBe(true);
  });

  it('(b) junk, globs, negations, other line shapes and 5 MB of garbage in .gitattributes: only tmt\'s exact lines count, in bounded time', async () => {
    const { bare, seed, id } = await seeded();
    const ptr = pointerOf(REAL);
    const names = ['globbed.bin', 'negated.bin', 'spaced.bin', 'crlf.bin', 'unescaped*.bin', 'bad-escape.bin', 'unterminated.bin', 'late.bin', 'macro.bin', 'upper.bin'];
    const rnd = seededRandom(3);
    const garbage = Buffer.from(Array.from({ length: 5 * 1024 * 1024 }, () => Math.floor(rnd() * 256)));
    const attributes = Buffer.concat([
      Buffer.from(
        [
          '# tmt writes one line per LFS artifact; these are not its lines',
          'artifacts/** filter=lfs diff=lfs merge=lfs -text',
          '* filter=lfs diff=lfs merge=lfs -text',
          `!"artifacts/negated.bin"${ATTRS}`,
          `"!artifacts/negated.bin"${ATTRS}`,
          ` "artifacts/spaced.bin"${ATTRS}`,
          `"artifacts/crlf.bin"${ATTRS}\r`,
          `"artifacts/unescaped*.bin"${ATTRS}`,
          `"artifacts/bad\\qescape.bin"${ATTRS}`,
          `"artifacts/unterminated.bin${ATTRS}`,
          '[attr]lfsmacro filter=lfs diff=lfs merge=lfs -text',
          '"artifacts/macro.bin" lfsmacro',
          `"ARTIFACTS/upper.bin"${ATTRS}`,
          `"artifacts/real.bin"${ATTRS}`, // tmt's own line for the real one
          '',
        ].join('\n'),
      ),
      garbage,
      Buffer.from(`\n${line('late.bin')}`), // tmt's shape, but past the 4 MiB tmt reads
    ]);
    craftRun(seed, id, [['real.bin', ptr], ...names.map((n) => [n, ptr] as [string, Buffer])], attributes);
    const clone = await publishAndClone(seed, bare);

    const start = Date.now();
    const listed = await shown(clone, id);
    expect(listed.filter((a) => a.lfs).map((a) => a.path)).toEqual(['real.bin']);
    const out = path.join(tempDir('tmt-lfs-junk-'), 'out');
    const r = await tmtAsync(clone, ['get', id, '--all', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect(filesUnder(out)).toEqual([...names, 'real.bin'].sort());
    expect(fs.readFileSync(path.join(out, 'real.bin')).equals(REAL)).toBe(true);
    for (const n of names) expect(fs.readFileSync(path.join(out, n)).equals(ptr), n).toBe(true);
  });

  it('(d) a pointer whose oid is uppercase or climbs with ../ is a plain file: tmt reads nothing outside .git/lfs/objects, and never runs git-lfs for it', async () => {
    const { bare, seed, id } = await seeded();
    const upper = sha256(Buffer.from('secret\n')).toUpperCase();
    const climbing = '../../../secret';
    const artifacts: Array<[string, Buffer]> = [
      ['upper.bin', pointer(upper, 7)],
      ['climb.bin', pointer(climbing, 7)],
      ['climb64.bin', pointer(('../'.repeat(21) + 'x').slice(0, 64), 7)],
    ];
    craftRun(seed, id, artifacts, artifacts.map(([n]) => line(n)).join(''));
    const clone = await publishAndClone(seed, bare);
    const config = configText(clone);
    // What a store that trusted the oid would read: secrets planted where its path would lead.
    const objects = path.join(clone, '.git/lfs/objects');
    const planted = [path.join(objects, upper.slice(0, 2), upper.slice(2, 4), upper), path.join(objects, climbing.slice(0, 2), climbing.slice(2, 4), climbing)];
    for (const p of planted) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, 'secret\n');
    }
    expect(planted[1]!.startsWith(path.dirname(clone))).toBe(true); // outside the clone, inside the test's temp dir

    const listed = await shown(clone, id);
    expect(listed.map((a) => [a.path, a.size, a.lfs])).toEqual(artifacts.map(([n, c]) => [n, c.length, undefined]).sort());
    const out = path.join(tempDir('tmt-lfs-oid-'), 'out');
    const r = await tmtAsync(clone, ['get', id, '--all', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    for (const [n, c] of artifacts) expect(fs.readFileSync(path.join(out, n)).equals(c), n).toBe(true);
    for (const p of planted) expect(fs.readFileSync(p, 'utf8')).toBe('secret\n');
    // git-lfs never ran (it would have written lfs.repositoryformatversion), and nothing new is in the store.
    expect(configText(clone)).toBe(config);
    expect(filesUnder(path.join(clone, '.git/lfs'))).toEqual([path.relative(path.join(clone, '.git/lfs'), planted[0]!)]);
  });
});

describe.skipIf(!gitLfs)('a damaged LFS object here', () => {
  it('(c) tmt get refuses it with a clear error and leaves no file; after the hint, it downloads a good copy again', async () => {
    const { bare } = await seeded();
    const clone = cloneOf(bare);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const id = git(clone, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
    const first = await tmtBytes(clone, ['get', id, 'real.bin', '-o', '-']);
    expect(first.stdout.equals(REAL), first.stderr).toBe(true);
    // Damaged here, same size: only the hash can tell. (Replaced, not written into: git-lfs hard-links
    // objects it copies from a file:// remote on the same file system, and the remote's must stay good.)
    const object = objectFile(clone, REAL_OID);
    const damage = (content: Buffer | string) => {
      fs.writeFileSync(`${object}.new`, content);
      fs.renameSync(`${object}.new`, object);
    };
    damage(Buffer.alloc(REAL.length, 0x41));

    const top = tempDir('tmt-lfs-damaged-');
    for (const args of [['real.bin', '-o', path.join(top, 'one.bin')], ['--all', '-o', path.join(top, 'all')], ['real.bin', '-o', '-']]) {
      const r = await tmtBytes(clone, ['get', id, ...args]);
      expect(r.code, args.join(' ')).toBe(4);
      const lines = errorLines(r);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(`error: the LFS object ${REAL_OID.slice(0, 12)} here is damaged (${object})`);
      expect(lines[1]).toMatch(/^hint: git lfs fsck /);
    }
    expect(filesUnder(top)).toEqual([]); // not the file, not a temporary one

    // The hint, followed to the letter: git-lfs moves the damaged object aside, and tmt get downloads it again.
    const fsckCommand = errorLines(await tmtBytes(clone, ['get', id, 'real.bin', '-o', '-']))[1]!.match(/^hint: (git lfs fsck[^;(]*?) moves/)![1]!.trim().split(/\s+/);
    const fsck = spawnSync('git', [...NO_HOOKS, ...fsckCommand.slice(1)], { cwd: clone, env: testEnv, encoding: 'utf8' });
    expect(fsck.stdout + fsck.stderr).toMatch(/corrupt/);
    const again = await tmtBytes(clone, ['get', id, 'real.bin', '-o', path.join(top, 'again.bin')]);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(path.join(top, 'again.bin')).equals(REAL)).toBe(true);

    // Damaged to another size: not "here" at all, so tmt get downloads it again straight away.
    damage('short');
    const third = await tmtBytes(clone, ['get', id, 'real.bin', '-o', '-']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout.equals(REAL)).toBe(true);
    expect(fs.readFileSync(object).equals(REAL)).toBe(true);
  });
});

/**
 * A git LFS server (batch API, basic transfer) for the objects given, whose
 * downloads send half the bytes and then stall until `release()`: a download
 * to interrupt. `lfs.url` points git-lfs at it.
 */
async function stallingLfsServer(objects: ReadonlyMap<string, Buffer>) {
  let stalling = true;
  let stalled: () => void = () => undefined;
  const whenStalled = new Promise<void>((resolve) => (stalled = resolve));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/lfs/objects/batch') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const asked = JSON.parse(body) as { objects: Array<{ oid: string; size: number }> };
        const port = (server.address() as AddressInfo).port;
        res.writeHead(200, { 'content-type': 'application/vnd.git-lfs+json' });
        res.end(
          JSON.stringify({
            transfer: 'basic',
            hash_algo: 'sha256',
            objects: asked.objects.map((o) =>
              objects.has(o.oid) ? { ...o, actions: { download: { href: `http://127.0.0.1:${port}/objects/${o.oid}`, expires_in: 3600 } } } : { ...o, error: { code: 404, message: 'Object does not exist' } },
            ),
          }),
        );
      });
      return;
    }
    const data = req.method === 'GET' ? objects.get(url.pathname.replace('/objects/', '')) : undefined;
    if (!data) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    if (!stalling) return void res.end(data);
    res.write(data.subarray(0, data.length >> 1), () => stalled());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lfs`,
    whenStalled,
    release: () => (stalling = false),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Objects in the LFS store of `dir` (whole ones, under objects/). */
function storedObjects(dir: string, storage = '.git/lfs'): string[] {
  return filesUnder(path.join(dir, storage, 'objects')).map((f) => path.basename(f));
}

async function recordCopy(dir: string, files: Record<string, string>, name?: string): Promise<string> {
  const copies = Object.entries(files).map(([to, from]) => `cp "${from}" "$TMT_ARTIFACTS/${to}"`).join(' && ');
  const r = await tmtAsync(dir, ['record', '-q', '--no-pty', ...(name ? ['-n', name] : []), '--', 'sh', '-c', copies]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse((await tmtAsync(dir, ['list', '--json', '--limit', '1'])).stdout).runs[0].id;
}

/** run id → the outputs trees the keep ref holds for it (`<run-id>/<tree-id>`). */
function keepEntries(dir: string): Map<string, string[]> {
  const ls = (rev: string) => spawnSync('git', ['ls-tree', rev], { cwd: dir, env: testEnv, encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  return new Map(ls('refs/tmt-lfs/keep^{tree}').map((l) => { const id = l.split('\t')[1]!; return [id, ls(`refs/tmt-lfs/keep:${id}`).map((e) => e.split('\t')[1]!)]; }));
}

describe.skipIf(!gitLfs)('what a demanding user does with LFS artifacts', () => {
  it('runs fetched from a URL, not a named remote: tmt get downloads from the default remote; with no remote at all, one clear error', async () => {
    const { bare, id } = await seeded();
    // origin is the same place, but the run came through `tmt fetch <path>`: no tracking ref names origin.
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'remote', 'add', 'origin', bare);
    expect((await tmtAsync(dir, ['fetch', bare])).code).toBe(0);
    expect(git(dir, 'for-each-ref', 'refs/tmt-remotes/origin/')).toBe('');
    // The user's own fetch filters are for their checkouts: tmt's throw-away tree of pointers is not filtered out.
    git(dir, 'config', 'lfs.fetchexclude', '*');
    git(dir, 'config', 'lfs.fetchinclude', 'nothing/');
    const r = await tmtBytes(dir, ['get', id, 'real.bin', '-o', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(REAL)).toBe(true);

    const lone = makeRepo({ 'a.txt': 'a\n' });
    expect((await tmtAsync(lone, ['fetch', bare])).code).toBe(0);
    const none = await tmtBytes(lone, ['get', id, 'real.bin', '-o', '-']);
    expect(none.code).toBe(4);
    expect(none.stdout.length).toBe(0);
    expect(errorLines(none)).toEqual([
      `error: run ${id.slice(0, 12)} (evil) keeps an artifact in git LFS, and this repository has no remote to download it from`,
      'hint: add the remote the run came from (git remote add origin URL), then tmt get it again',
    ]);
  });

  it('four tmt record at once, writing the same large artifact: one object, every run pointing at it, all kept', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const big = bytes(4 * 1024 * 1024, 11);
    fs.writeFileSync(path.join(src, 'same.bin'), big);
    const runs = await Promise.all([1, 2, 3, 4].map(() => tmtAsync(dir, ['record', '-q', '--no-pty', '--', 'sh', '-c', `cp "${src}/same.bin" "$TMT_ARTIFACTS/model.bin"`])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(storedObjects(dir)).toEqual([sha256(big)]);
    expect(fs.readFileSync(objectFile(dir, sha256(big))).equals(big)).toBe(true);
    expect(filesUnder(path.join(dir, '.git/lfs/tmp'))).toEqual([]);
    const ids = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/').split('\n');
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(spawnSync('git', ['cat-file', 'blob', `refs/tmt/runs/${id}^2:artifacts/model.bin`], { cwd: dir, env: testEnv }).stdout.equals(pointerOf(big))).toBe(true);
    expect([...keepEntries(dir).keys()].sort()).toEqual([...ids].sort());
    const fsck = spawnSync('git', [...NO_HOOKS, 'lfs', 'fsck', '--objects', 'refs/tmt-lfs/keep'], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
  });

  it('tmt log artifact on a finished run: a large file goes to LFS beside the run\'s others; a small one of the same name takes its place as a plain file', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const other = bytes(3000, 12);
    fs.writeFileSync(path.join(src, 'other.bin'), other);
    const id = await recordCopy(dir, { 'real.bin': path.join(src, 'real.bin') });
    const log = await tmtAsync(dir, ['log', 'artifact', path.join(src, 'other.bin'), '--run', 'last']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stderr).toBe('logged other.bin\n');
    const outputs = () => git(dir, 'rev-parse', `refs/tmt/runs/${id}^2`);
    expect(git(dir, 'cat-file', 'blob', `${outputs()}:.gitattributes`)).toBe((line('other.bin') + line('real.bin')).trimEnd());
    expect((await shown(dir, id)).map((a) => [a.path, a.lfs?.here])).toEqual([['other.bin', true], ['real.bin', true]]);
    expect(keepEntries(dir).get(id)).toContain(git(dir, 'rev-parse', `${outputs()}^{tree}`));

    const small = path.join(tempDir('tmt-lfs-small-'), 'real.bin');
    fs.writeFileSync(small, 'small now\n');
    expect((await tmtAsync(dir, ['log', 'artifact', small, '--run', id])).code).toBe(0);
    expect(git(dir, 'cat-file', 'blob', `${outputs()}:.gitattributes`)).toBe(line('other.bin').trimEnd());
    expect(git(dir, 'cat-file', 'blob', `${outputs()}:artifacts/real.bin`)).toBe('small now');
    expect(keepEntries(dir).get(id)).toContain(git(dir, 'rev-parse', `${outputs()}^{tree}`));
    const out = path.join(tempDir('tmt-lfs-log-'), 'out');
    expect((await tmtAsync(dir, ['get', id, '--all', '-o', out])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'real.bin'), 'utf8')).toBe('small now\n');
    expect(fs.readFileSync(path.join(out, 'other.bin')).equals(other)).toBe(true);
  });

  it('git lfs prune keeps every object a run uses; after tmt rm it frees exactly the objects no remaining run uses', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const shared = bytes(3000, 13);
    fs.writeFileSync(path.join(src, 'shared.bin'), shared);
    await recordCopy(dir, { 'u.bin': path.join(src, 'real.bin') }, 'A');
    await recordCopy(dir, { 's.bin': path.join(src, 'shared.bin') }, 'B');
    await recordCopy(dir, { 's.bin': path.join(src, 'shared.bin') }, 'C');
    const prune = () => {
      const r = spawnSync('git', [...NO_HOOKS, 'lfs', 'prune'], { cwd: dir, env: testEnv, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return storedObjects(dir).sort();
    };
    expect(prune()).toEqual([REAL_OID, sha256(shared)].sort());
    for (const [name, left] of [['A', [sha256(shared)]], ['B', [sha256(shared)]], ['C', []]] as const) {
      const rm = await tmtAsync(dir, ['rm', name]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(prune(), `after tmt rm ${name}`).toEqual(left);
    }
    expect(git(dir, 'for-each-ref', 'refs/tmt-lfs/')).toBe('');
  });

  it('Ctrl-C during the download of tmt get leaves no file, no temporary and no half object; the next tmt get finishes it', async () => {
    const { bare, seed, id: first } = await seeded();
    const big = bytes(2 * 1024 * 1024, 14);
    fs.writeFileSync(path.join(src, 'big.bin'), big);
    const id = await recordCopy(seed, { 'big.bin': path.join(src, 'big.bin') });
    expect((await tmtAsync(seed, ['push'])).code).toBe(0);
    expect(id).not.toBe(first);
    const clone = cloneOf(bare);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const server = await stallingLfsServer(new Map([[sha256(big), big]]));
    try {
      git(clone, 'config', 'lfs.url', server.url);
      const out = path.join(tempDir('tmt-lfs-int-'), 'out');
      fs.mkdirSync(out);
      // As a terminal's Ctrl-C does: SIGINT to the whole process group (tmt, git, git-lfs).
      const child = spawn(process.execPath, [BIN, 'get', id, 'big.bin', '-o', out], { cwd: clone, env: testEnv, detached: true, stdio: 'ignore' });
      const closed = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)));
      await server.whenStalled;
      await new Promise((resolve) => setTimeout(resolve, 200)); // the first half reaches git-lfs
      process.kill(-child.pid!, 'SIGINT');
      const ended = await closed;
      expect([130, 'SIGINT']).toContain(ended);
      expect(filesUnder(out)).toEqual([]);
      expect(storedObjects(clone)).toEqual([]);

      server.release();
      const again = await tmtAsync(clone, ['get', id, 'big.bin', '-o', out]);
      expect(again.code, again.stderr).toBe(0);
      expect(filesUnder(out)).toEqual(['big.bin']);
      expect(fs.readFileSync(path.join(out, 'big.bin')).equals(big)).toBe(true);
      expect(fs.readFileSync(objectFile(clone, sha256(big))).equals(big)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a relative lfs.storage and a run recorded in a linked worktree: the object goes where git-lfs looks, and push and get find it', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    git(dir, 'config', 'lfs.storage', 'lfs-rel');
    const wt = path.join(tempDir('tmt-lfs-wt-'), 'linked');
    git(dir, 'worktree', 'add', '-q', '-b', 'side', wt);
    const id = await recordCopy(wt, { 'real.bin': path.join(src, 'real.bin') });
    // <common dir>/lfs-rel, as git-lfs reads a relative lfs.storage: not the worktree's own git dir, not .git/lfs.
    expect(storedObjects(dir, '.git/lfs-rel')).toEqual([REAL_OID]);
    expect(fs.existsSync(path.join(dir, '.git/lfs'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.git/worktrees/linked/lfs-rel'))).toBe(false);
    for (const where of [dir, wt]) {
      const fsck = spawnSync('git', [...NO_HOOKS, 'lfs', 'fsck', '--objects', `refs/tmt/runs/${id}^2`], { cwd: where, env: testEnv, encoding: 'utf8' });
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    }
    const main = await tmtBytes(dir, ['get', id, 'real.bin', '-o', '-']);
    expect(main.stdout.equals(REAL), main.stderr).toBe(true);
    const push = await tmtAsync(wt, ['push']);
    expect(push.code, push.stderr).toBe(0);
    expect(fs.readFileSync(path.join(bare, 'lfs/objects', REAL_OID.slice(0, 2), REAL_OID.slice(2, 4), REAL_OID)).equals(REAL)).toBe(true);
    const clone = cloneOf(bare);
    git(clone, 'config', 'lfs.storage', 'lfs-rel');
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const got = await tmtBytes(clone, ['get', id, 'real.bin', '-o', '-']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.equals(REAL)).toBe(true);
    expect(storedObjects(clone, '.git/lfs-rel')).toEqual([REAL_OID]);
  });

  it('a tmt.lfs.threshold that is not a size is refused before the command runs, not after it ran', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '10XB');
    const marker = path.join(tempDir('tmt-lfs-ran-'), 'ran');
    const r = await tmtAsync(dir, ['record', '-q', '--no-pty', '--', 'sh', '-c', `touch "${marker}"; cp "${src}/real.bin" "$TMT_ARTIFACTS/"`]);
    expect(r.code).toBe(2);
    expect(errorLines(r)).toEqual(['error: git config tmt.lfs.threshold: cannot read "10XB" as a size', 'hint: set it to a size such as 10M or 500K (0 never uses LFS): git config tmt.lfs.threshold 10M']);
    expect(fs.existsSync(marker)).toBe(false); // hours of training would not be spent on a run that cannot be saved
    expect(git(dir, 'for-each-ref', 'refs/tmt/')).toBe('');
    expect(filesUnder(path.join(dir, '.git/tmt/runs'))).toEqual([]);
  });

  it('a .gitattributes of 128 MiB costs tmt show no more than the 4 MiB it reads of it', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    const id = await recordCopy(dir, { 'x.txt': path.join(src, 'real.bin') });
    const attributes = Buffer.alloc(128 * 1024 * 1024, 0x78);
    attributes.write(line('p.bin'));
    const big = execFileSync('git', ['-c', 'core.loosecompression=1', 'hash-object', '-w', '--stdin'], { cwd: dir, env: testEnv, input: attributes }).toString().trim();
    const tree = mktree(dir, [
      ['040000', 'tree', mktree(dir, [['100644', 'blob', blob(dir, pointerOf(REAL)), 'p.bin']]), 'artifacts'],
      ['100644', 'blob', big, '.gitattributes'],
    ]);
    const old = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    const note = git(dir, 'notes', '--ref=tmt', 'show', old) + '\n';
    const outputs = git(dir, 'commit-tree', tree, '-m', `tmt outputs ${id}`);
    const commit = git(dir, 'commit-tree', git(dir, 'rev-parse', `${old}^{tree}`), '-p', `${old}^1`, '-p', outputs, '-m', `tmt run ${id}`);
    git(dir, 'update-ref', `refs/tmt/runs/${id}`, commit, old);
    spawnSync('git', ['notes', '--ref=tmt', 'remove', old], { cwd: dir, env: testEnv });
    git(dir, 'notes', '--ref=tmt', 'add', '-C', blob(dir, note.replace(/^outputs: [0-9a-f]{40}$/m, `outputs: ${outputs}`)), commit);

    const rss = path.join(tempDir('tmt-lfs-rss-'), 'rss.cjs');
    fs.writeFileSync(rss, "process.on('exit', () => require('fs').writeSync(2, `maxrss ${process.resourceUsage().maxRSS}\\n`));\n");
    const r = spawnSync(process.execPath, ['--require', rss, BIN, 'show', id, '--json'], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).run.artifacts).toEqual([{ path: 'p.bin', size: REAL.length, lfs: { oid: REAL_OID, here: false } }]);
    const kib = Number(/maxrss (\d+)/.exec(r.stderr)![1]);
    expect(kib).toBeLessThan(150 * 1024);
  });
});
