/**
 * LFS artifacts whose names are awkward for .gitattributes (glob characters,
 * a leading # or !, a backslash, a tab, bytes that are not UTF-8), through
 * record, push to a bare repository on disk, a fresh clone's tmt fetch and
 * tmt get, checked with git and git-lfs themselves. Small artifacts whose
 * names another artifact's line would match as a glob must stay plain blobs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, tempDir } from './helpers/git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { seededRandom } from './helpers/random.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { BIN, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);
requireGitLfsInCi();

const b = (s: string) => Buffer.from(s, 'latin1');

function bytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}

/** Over the 1 KiB threshold: stored in LFS. Names as bytes (latin1 strings: one character a byte). */
const LARGE: Array<[Buffer, Buffer]> = [
  b('sp ace.bin'),
  b('ta\tb.bin'),
  b('co,mma.bin'),
  b('a*b.bin'),
  b('q?.bin'),
  b('[x].bin'),
  b('back\\slash.bin'),
  b('#hash.bin'),
  b('!bang.bin'),
  Buffer.from([0x66, 0xe9, 0x2e, 0x62, 0x69, 0x6e]), // "fé.bin" in Latin-1: not UTF-8
  b('"quoted".bin'),
  b('sub dir/a*b.bin'),
  b('sub dir/#[!]?.bin'),
  Buffer.concat([b('sub dir/'), Buffer.from([0xff, 0xfe]), b(' *.bin')]),
].map((name, i) => [name, bytes(1500 + 97 * i, 100 + i)]);

/** Under the threshold: plain blobs, although a glob made of a large one's name would match them. */
const SMALL: Array<[Buffer, Buffer]> = [
  [b('axb.bin'), b('axb is small\n')], // a*b.bin
  [b('q!.bin'), b('q! is small\n')], // q?.bin
  [b('x.bin'), b('x is small\n')], // [x].bin
  [b('backslash.bin'), b('backslash is small\n')], // back\slash.bin, where \s is an escaped s
  [b('sub dir/axb.bin'), b('sub dir/axb is small\n')], // sub dir/a*b.bin
  [b('sub dir/#x!.bin'), b('sub dir/#x! is small\n')], // sub dir/#[!]?.bin
  [Buffer.concat([b('sub dir/'), Buffer.from([0xff, 0xfe]), b(' zz.bin')]), b('not utf-8, small\n')], // "\377\376 *.bin"
];

const ALL = [...LARGE, ...SMALL];
const key = (name: Buffer) => name.toString('latin1');
const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
const pointerOf = (content: Buffer) => Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${content.length}\n`);

/** git and git-lfs with no hooks installed as a side effect, and git-lfs's filters configured (the tests have no system config). */
const LFS_GIT = ['-c', 'core.hooksPath=/dev/null', '-c', 'filter.lfs.clean=git-lfs clean -- %f', '-c', 'filter.lfs.smudge=git-lfs smudge -- %f', '-c', 'filter.lfs.process=git-lfs filter-process', '-c', 'filter.lfs.required=true'];

function gitBuf(cwd: string, args: string[], input?: Buffer): Buffer {
  return execFileSync('git', args, { cwd, env: testEnv, input, maxBuffer: 64 * 1024 * 1024 });
}

/** Path (bytes as latin1) → blob id, for every blob under `treeish`. */
function blobsIn(cwd: string, treeish: string): Map<string, { mode: string; oid: string }> {
  const out = new Map<string, { mode: string; oid: string }>();
  const raw = gitBuf(cwd, ['ls-tree', '-r', '-z', treeish]);
  for (let at = 0; at < raw.length; ) {
    const nul = raw.indexOf(0, at);
    const rec = raw.subarray(at, nul);
    at = nul + 1;
    const tab = rec.indexOf(9);
    const [mode, , oid] = rec.subarray(0, tab).toString('latin1').split(' ');
    out.set(rec.subarray(tab + 1).toString('latin1'), { mode: mode!, oid: oid! });
  }
  return out;
}

/** Every file below `dir` (names as their bytes, read as Latin-1) with its content. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (abs: Buffer, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' })) {
      const child = Buffer.concat([abs, b('/'), e.name]);
      if (e.isDirectory()) walk(child, `${rel}${key(e.name)}/`);
      else out.set(rel + key(e.name), fs.readFileSync(child));
    }
  };
  walk(Buffer.from(dir), '');
  return out;
}

function expectExactly(dir: string, files: ReadonlyArray<[Buffer, Buffer]>): void {
  const got = filesUnder(dir);
  expect([...got.keys()].sort()).toEqual(files.map(([n]) => key(n)).sort());
  for (const [name, content] of files) expect(got.get(key(name))!.equals(content), JSON.stringify(key(name))).toBe(true);
}

/** A script outside the repository that writes the artifacts by their exact bytes (names that are not UTF-8 included). */
function emitter(): { script: string; spec: string } {
  const dir = tempDir('tmt-lfs-emit-');
  const script = path.join(dir, 'emit.cjs');
  const spec = path.join(dir, 'spec.json');
  fs.writeFileSync(
    script,
    `const fs = require('fs');
const root = Buffer.from(process.env.TMT_ARTIFACTS + '/');
for (const [hex, b64] of JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))) {
  const name = Buffer.from(hex, 'hex');
  const slash = name.lastIndexOf(0x2f);
  if (slash > 0) fs.mkdirSync(Buffer.concat([root, name.subarray(0, slash)]), { recursive: true });
  fs.writeFileSync(Buffer.concat([root, name]), Buffer.from(b64, 'base64'));
}
`,
  );
  fs.writeFileSync(spec, JSON.stringify(ALL.map(([n, c]) => [n.toString('hex'), c.toString('base64')])));
  return { script, spec };
}

async function ok(cwd: string, args: string[]): Promise<string> {
  const r = await tmtAsync(cwd, args);
  expect(r.code, `tmt ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(!gitLfs)('LFS artifacts with names that are awkward in .gitattributes', () => {
  let bare = '';
  let dir = '';
  let id = '';
  let outputs = '';

  beforeAll(async () => {
    bare = bareRepo();
    dir = projectWithRemote(bare);
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const { script, spec } = emitter();
    const rec = await tmtAsync(dir, ['record', '-q', '--no-pty', '-n', 'names', '--', process.execPath, script, spec]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stderr).toBe(''); // git-lfs is installed: no warning
    id = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
    outputs = git(dir, 'rev-parse', `refs/tmt/runs/${id}^2`);
  });

  it('record: a pointer in the tree and the object in .git/lfs for each large one, small ones as plain blobs, and git-lfs agrees', () => {
    const tree = blobsIn(dir, outputs);
    for (const [name, content] of LARGE) {
      const entry = tree.get(`artifacts/${key(name)}`);
      expect(entry, key(name)).toBeDefined();
      expect(gitBuf(dir, ['cat-file', 'blob', entry!.oid]).equals(pointerOf(content)), key(name)).toBe(true);
      const oid = sha256(content);
      expect(fs.readFileSync(path.join(dir, '.git/lfs/objects', oid.slice(0, 2), oid.slice(2, 4), oid)).equals(content), key(name)).toBe(true);
    }
    for (const [name, content] of SMALL) {
      const entry = tree.get(`artifacts/${key(name)}`);
      expect(gitBuf(dir, ['cat-file', 'blob', entry!.oid]).equals(content), key(name)).toBe(true);
    }
    // Nothing else in the store: exactly one object per large artifact.
    const stored = (fs.readdirSync(path.join(dir, '.git/lfs/objects'), { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(dir, '.git/lfs/objects', p)).isFile());
    expect(stored.map((p) => path.basename(p)).sort()).toEqual(LARGE.map(([, c]) => sha256(c)).sort());

    // .gitattributes: one line per large artifact, none for the small ones.
    const attrs = gitBuf(dir, ['cat-file', 'blob', tree.get('.gitattributes')!.oid]).toString('latin1');
    expect(attrs.split('\n').filter(Boolean)).toHaveLength(LARGE.length);
    expect(attrs).toMatch(/^"artifacts\/a\\\\\*b\.bin" filter=lfs diff=lfs merge=lfs -text$/m);
    expect(attrs).toMatch(/^"artifacts\/#hash\.bin" filter=lfs/m);
    expect(attrs).toMatch(/^"artifacts\/f\\351\.bin" filter=lfs/m);

    // git-lfs lists every pointer of the outputs commit (by content), and only those.
    const listed = git(dir, ...LFS_GIT, 'lfs', 'ls-files', '-l', outputs).split('\n');
    expect(listed.map((l) => l.slice(0, 64)).sort()).toEqual(LARGE.map(([, c]) => sha256(c)).sort());
    for (const [name, content] of LARGE.filter(([n]) => !/[\t\x80-\xff]/.test(key(n)))) expect(listed).toContain(`${sha256(content)} - artifacts/${key(name)}`);
    // And its own reading of .gitattributes agrees: every pointer is named, no plain file is.
    const fsck = spawnSync('git', [...LFS_GIT, 'lfs', 'fsck', '--pointers', outputs], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    const objects = spawnSync('git', [...LFS_GIT, 'lfs', 'fsck', '--objects', outputs], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(objects.status, objects.stdout + objects.stderr).toBe(0);
  });

  it('git applies the .gitattributes as tmt meant: large ones filter=lfs, small ones matched by no line', () => {
    const attrs = gitBuf(dir, ['cat-file', 'blob', `${outputs}:.gitattributes`]);
    const wt = path.join(tempDir('tmt-lfs-attr-'), 'wt');
    fs.mkdirSync(wt);
    git(wt, 'init', '-q');
    fs.writeFileSync(path.join(wt, '.gitattributes'), attrs);
    const input = Buffer.concat(ALL.map(([n]) => Buffer.concat([b('artifacts/'), n, Buffer.from([0])])));
    const out = gitBuf(wt, ['check-attr', '-z', '--stdin', 'filter'], input).toString('latin1').split('\0');
    const filter = new Map<string, string>();
    for (let i = 0; i + 2 < out.length; i += 3) filter.set(out[i]!, out[i + 2]!);
    for (const [name] of LARGE) expect(filter.get(`artifacts/${key(name)}`), key(name)).toBe('lfs');
    for (const [name] of SMALL) expect(filter.get(`artifacts/${key(name)}`), key(name)).toBe('unspecified');
  });

  it('push uploads every object to a bare repository on disk before its refs, and no large blob goes into git', async () => {
    const r = await tmtAsync(dir, ['push']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^tmt: uploading ${LARGE.length} LFS objects .* to origin$`, 'm'));
    for (const [name, content] of LARGE) {
      const oid = sha256(content);
      expect(fs.readFileSync(path.join(bare, 'lfs/objects', oid.slice(0, 2), oid.slice(2, 4), oid)).equals(content), key(name)).toBe(true);
    }
    expect(git(bare, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(dir, 'rev-parse', `refs/tmt/runs/${id}`));
    const sizes = git(bare, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)').split('\n').filter((l) => l.startsWith('blob ')).map((l) => Number(l.split(' ')[1]));
    expect(Math.max(...sizes)).toBeLessThan(1500); // every large artifact is a pointer there
  });

  it('a fresh clone fetches pointers only; tmt get --all gives every file byte for byte, and one by name', async () => {
    const clone = cloneOf(bare);
    await ok(clone, ['fetch']);
    expect(fs.existsSync(path.join(clone, '.git/lfs'))).toBe(false);
    const shown = JSON.parse(await ok(clone, ['show', id, '--json'])).run.artifacts as Array<{ path: string; size: number; lfs?: { oid: string; here: boolean } }>;
    expect(shown).toHaveLength(ALL.length);
    for (const [name, content] of LARGE) {
      const a = shown.find((s) => s.path === key(name))!;
      expect(a, key(name)).toBeDefined();
      expect(a.lfs, key(name)).toEqual({ oid: sha256(content), here: false });
      expect(a.size).toBe(content.length);
    }
    for (const [name] of SMALL) expect(shown.find((s) => s.path === key(name))!.lfs, key(name)).toBeUndefined();

    const out = path.join(tempDir('tmt-lfs-get-'), 'out');
    await ok(clone, ['get', id, '--all', '-o', out]);
    expectExactly(out, ALL);
    expect(JSON.parse(await ok(clone, ['show', id, '--json'])).run.artifacts.every((a: { lfs?: { here: boolean } }) => !a.lfs || a.lfs.here)).toBe(true);

    // By name, to stdout: the name is a literal, not a pattern (a*b.bin is not axb.bin, nor the other way round).
    for (const [name, content] of [LARGE[3]!, SMALL[0]!, LARGE[5]!, SMALL[2]!]) {
      const r = spawnSync(process.execPath, [BIN, 'get', id, key(name), '-o', '-'], { cwd: clone, env: testEnv });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.equals(content), key(name)).toBe(true);
    }

    // git's own checkout of the outputs commit: its attribute matching and git-lfs's smudge give the same bytes.
    const wt = path.join(tempDir('tmt-lfs-wt-'), 'wt');
    const add = spawnSync('git', [...LFS_GIT, 'worktree', 'add', '-q', '--detach', wt, outputs], { cwd: clone, env: testEnv, encoding: 'utf8' });
    expect(add.status, add.stderr).toBe(0);
    expectExactly(path.join(wt, 'artifacts'), ALL);
    // And the clean side matches too: the checkout is clean.
    expect(git(wt, ...LFS_GIT, 'status', '--porcelain')).toBe('');
  });
});
