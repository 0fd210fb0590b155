/**
 * Snapshot fidelity (issue 10): the stat cache must never hand git a stale
 * hash, and odd but everyday layouts must give git's tree. Native git is the
 * oracle throughout (`nativeTree`: cp -p of the index, add -A, write-tree).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, nativeTree, tempDir, writeFiles } from './helpers/git.js';
import { seededRandom } from './helpers/random.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

/** Warm (through the cache) and cold snapshots both equal git's tree; fsck stays clean. */
function expectSame(dir: string, env: Record<string, string> = {}, addFlags: string[] = []): string {
  const expected = nativeTreeIn(dir, env, addFlags);
  expect(snap(dir, env), 'warm snapshot').toBe(expected);
  expect(snap(dir, env, ['--no-cache']), 'cold snapshot').toBe(expected);
  expect(snap(dir, env), 'warm again').toBe(expected);
  fsck(dir);
  return expected;
}

function snap(dir: string, env: Record<string, string> = {}, extra: string[] = []): string {
  const r = tmt(dir, ['snapshot', ...extra], env);
  if (r.code !== 0) throw new Error(`tmt snapshot exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The oracle under extra environment (XDG_CONFIG_HOME for the global attributes file). */
function nativeTreeIn(dir: string, env: Record<string, string>, addFlags: string[] = []): string {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = testEnv[k];
    testEnv[k] = v;
  }
  try {
    return nativeTree(dir, addFlags);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete testEnv[k];
      else testEnv[k] = v;
    }
  }
}

/** Sleeps until just after the next whole second, so what follows happens in a new second. */
function nextSecond(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

/** Rewrites a file in place (same inode), as `echo >` or most editors' saves do: only size and times can tell. */
function rewrite(dir: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), content);
}

/** Something rewrites the real index in a later second, as `git status` does when it refreshes. */
function indexRewrittenLater(dir: string): void {
  const index = path.join(dir, '.git/index');
  if (fs.existsSync(index)) fs.utimesSync(index, new Date(), new Date());
}

describe('racy stat cache: a same-size rewrite within the snapshot second is never missed', () => {
  it('in a repository with commits, once the real index is rewritten in a later second', async () => {
    const dir = makeRepo({ 'a.py': 'base\n' });
    for (let round = 0; round < 2; round++) {
      await nextSecond();
      rewrite(dir, 'u.txt', `v${round}1\n`);
      expect(snap(dir)).toBe(nativeTree(dir)); // caches u.txt
      rewrite(dir, 'u.txt', `v${round}2\n`); // same size, same second, same inode
      await nextSecond();
      git(dir, 'status', '--porcelain'); // refreshes the real index
      indexRewrittenLater(dir);
      const tree = snap(dir);
      expect(git(dir, 'cat-file', 'blob', `${tree}:u.txt`)).toBe(`v${round}2`);
      expect(tree).toBe(nativeTree(dir));
      expect(snap(dir, {}, ['--no-cache'])).toBe(tree);
    }
    fsck(dir);
  });

  it('in a repository with no commits and no index', async () => {
    const dir = makeRepo({}, { commit: false });
    await nextSecond();
    rewrite(dir, 'u.txt', 'one\n');
    expect(snap(dir)).toBe(nativeTree(dir));
    rewrite(dir, 'u.txt', 'two\n');
    await nextSecond();
    const tree = snap(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:u.txt`)).toBe('two');
    expect(tree).toBe(nativeTree(dir));
    expect(fs.existsSync(path.join(dir, '.git/index'))).toBe(false); // tmt never creates the user's index
    fsck(dir);
  });

  it('a file dated in the future is hashed every time, never trusted', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'f.txt': 'aaa\n' });
    const future = new Date(Date.now() + 3600_000);
    fs.utimesSync(path.join(dir, 'f.txt'), future, future);
    expect(snap(dir)).toBe(nativeTree(dir));
    rewrite(dir, 'f.txt', 'bbb\n');
    fs.utimesSync(path.join(dir, 'f.txt'), future, future);
    await nextSecond();
    indexRewrittenLater(dir);
    expect(git(dir, 'cat-file', 'blob', `${snap(dir)}:f.txt`)).toBe('bbb');
  });
});

describe('every attribute source invalidates cached hashes of the paths it covers', () => {
  /** A repo whose untracked CRLF files are cached and trusted by stat (the real index is newer). */
  async function cachedCrlfRepo(env: Record<string, string>): Promise<string> {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'w.txt': 'x\r\ny\r\n', 'sub/s.txt': 'q\r\n', 'sub/deep/d.txt': 'd\r\n' });
    await nextSecond();
    expect(snap(dir, env)).toBe(nativeTreeIn(dir, env));
    await nextSecond();
    indexRewrittenLater(dir);
    expect(snap(dir, env)).toBe(nativeTreeIn(dir, env));
    return dir;
  }

  it('$XDG_CONFIG_HOME/git/attributes (the default global file)', async () => {
    const xdg = tempDir();
    const env = { XDG_CONFIG_HOME: xdg };
    const dir = await cachedCrlfRepo(env);
    writeFiles(xdg, { 'git/attributes': '*.txt text eol=lf\n' });
    const tree = expectSame(dir, env);
    expect(git(dir, 'cat-file', 'blob', `${tree}:w.txt`)).toBe('x\ny');
    fs.rmSync(path.join(xdg, 'git/attributes'));
    expectSame(dir, env);
  });

  it('the content of core.attributesFile (same path, new rules)', async () => {
    const dir = await cachedCrlfRepo({});
    const file = path.join(tempDir(), 'attrs');
    fs.writeFileSync(file, '# nothing yet\n');
    git(dir, 'config', 'core.attributesFile', file);
    expectSame(dir);
    await nextSecond();
    indexRewrittenLater(dir);
    fs.writeFileSync(file, 'sub/** text\n');
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:sub/s.txt`)).toBe('q');
  });

  it('a .gitattributes in a sub-directory that git ignores, and .git/info/attributes', async () => {
    const dir = await cachedCrlfRepo({});
    writeFiles(dir, { '.gitignore': '.gitattributes\n' });
    expectSame(dir);
    await nextSecond();
    indexRewrittenLater(dir);
    writeFiles(dir, { 'sub/deep/.gitattributes': '*.txt text\n' }); // ignored, yet git reads it
    let tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:sub/deep/d.txt`)).toBe('d');
    expect(git(dir, 'cat-file', 'blob', `${tree}:sub/s.txt`)).toBe('q\r');
    writeFiles(dir, { '.git/info/attributes': 'w.txt text\n' });
    tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:w.txt`)).toBe('x\ny');
  });

  it('core.autocrlf, core.eol and a filter whose config changes', async () => {
    const dir = await cachedCrlfRepo({});
    git(dir, 'config', 'core.autocrlf', 'input');
    expectSame(dir);
    git(dir, 'config', 'core.autocrlf', 'false');
    writeFiles(dir, { '.gitattributes': '*.txt text\n' });
    git(dir, 'config', 'core.eol', 'crlf');
    expectSame(dir);
    writeFiles(dir, { '.gitattributes': '*.txt filter=up\n' });
    git(dir, 'config', 'filter.up.clean', 'tr a-z A-Z');
    expectSame(dir);
    git(dir, 'config', 'filter.up.clean', 'tr a-z Z-A');
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:sub/s.txt`)).not.toBe(git(dir, 'hash-object', '--no-filters', 'sub/s.txt'));
  });
});

describe('what git reads from the index when it hashes a path again', () => {
  // git keeps CRs when the blob already in the index has them (safer autocrlf),
  // and keeps an entry's mode under core.filemode=false: a cache entry in the
  // scratch index must never stand where git add -A sees a new file.
  it('an entry from the real index, after git rm --cached, with autocrlf turned on since', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    rewrite(dir, 'u1.txt', 'ab\r\n');
    git(dir, 'add', 'u1.txt');
    expectSame(dir);
    git(dir, 'config', 'core.autocrlf', 'true');
    expectSame(dir);
    await nextSecond();
    git(dir, 'rm', '-q', '--cached', 'u1.txt');
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:u1.txt`)).toBe('ab');
  });

  it('an entry from the real index made executable by hand, after git rm --cached, with core.filemode=false', async () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'run.sh': 'echo\n' });
    git(dir, 'config', 'core.filemode', 'false');
    git(dir, 'update-index', '--chmod=+x', 'run.sh');
    expectSame(dir);
    await nextSecond();
    git(dir, 'rm', '-q', '--cached', 'run.sh');
    const tree = expectSame(dir);
    expect(git(dir, 'ls-tree', tree, 'run.sh')).toMatch(/^100644 /);
  });

  // A guard rather than a regression: git ignores the CRs of a blob it reads as binary, so
  // this passed before too; the snapshot removes a changed lent entry before hashing it anyway.
  it('a cached file that was binary with CRs, rewritten as CRLF text, under text=auto', async () => {
    const dir = makeRepo({ 'a.py': 'a\n', '.gitattributes': '* text=auto\n' });
    rewrite(dir, 'data.txt', 'a\r\n\0b\r\n');
    expectSame(dir);
    await nextSecond();
    indexRewrittenLater(dir);
    expectSame(dir); // now lent from the cache, trusted
    rewrite(dir, 'data.txt', 'text\r\nonly\r\n');
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:data.txt`)).toBe('text\nonly');
  });
});

describe('found in review: what the stat cache must not trust', () => {
  it('core.ignoreStat: git marks entries assume-valid, and an edit of a cached untracked file is still seen', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    git(dir, 'config', 'core.ignoreStat', 'true');
    rewrite(dir, 'notes.txt', 'first\n');
    expectSame(dir);
    await nextSecond();
    rewrite(dir, 'notes.txt', 'second, longer\n');
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:notes.txt`)).toBe('second, longer');
  });

  it('a tracked .gitattributes deleted from disk, deletion not staged, changes how a cached file hashes', async () => {
    const dir = makeRepo({ '.gitattributes': '*.txt -text\n' });
    git(dir, 'config', 'core.autocrlf', 'true');
    rewrite(dir, 'new.txt', 'a\r\nb\r\n');
    await nextSecond();
    expectSame(dir);
    await nextSecond();
    indexRewrittenLater(dir);
    fs.rmSync(path.join(dir, '.gitattributes'));
    const tree = expectSame(dir);
    expect(git(dir, 'cat-file', 'blob', `${tree}:new.txt`)).toBe('a\nb');
  });

  it('a same-size rewrite that sets the mtime back (cp -p), in the snapshot second and with core.trustctime=false', async () => {
    const src = tempDir();
    writeFiles(src, { 'A': 'lr: 0.1\n', 'B': 'lr: 0.9\n' });
    const old = new Date('2024-01-01T00:00:00Z');
    for (const f of ['A', 'B']) fs.utimesSync(path.join(src, f), old, old);
    const copyP = (dir: string, from: string) => execFileSync('cp', ['-p', path.join(src, from), path.join(dir, 'cfg.yaml')]);
    const dir = makeRepo({ 'a.py': 'a\n' });
    await nextSecond();
    copyP(dir, 'A');
    expect(snap(dir)).toBe(nativeTree(dir));
    copyP(dir, 'B');
    await nextSecond();
    indexRewrittenLater(dir);
    expect(git(dir, 'cat-file', 'blob', `${snap(dir)}:cfg.yaml`)).toBe('lr: 0.9');
    git(dir, 'config', 'core.trustctime', 'false');
    expectSame(dir);
    await nextSecond();
    copyP(dir, 'A');
    expect(git(dir, 'cat-file', 'blob', `${snap(dir)}:cfg.yaml`)).toBe('lr: 0.1');
    expectSame(dir);
  });

  it('a cached untracked file that grows past the size cap is left out without being hashed', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    rewrite(dir, 'model.ckpt', 'small\n');
    await nextSecond();
    snap(dir, {}, ['--max-file-size', '1M']);
    await nextSecond();
    indexRewrittenLater(dir);
    snap(dir, {}, ['--max-file-size', '1M']); // lent from the cache now
    fs.writeFileSync(path.join(dir, 'model.ckpt'), Buffer.alloc(3 * 1024 * 1024, 7)); // in place
    const r = tmt(dir, ['snapshot', '--max-file-size', '1M', '--json']);
    expect(JSON.parse(r.stdout).skipped).toEqual([{ path: 'model.ckpt', reason: 'too-large', size: 3 * 1024 * 1024 }]);
    expect(gitRaw(dir, ['cat-file', '-e', git(dir, 'hash-object', 'model.ckpt')]).status).not.toBe(0);
  });

  it('a cached file whose name starts with a colon, ignored later', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    rewrite(dir, ':tmp', 'x\n');
    await nextSecond();
    expectSame(dir);
    writeFiles(dir, { '.gitignore': ':tmp\n' });
    const tree = expectSame(dir);
    expect(git(dir, 'ls-tree', '--name-only', tree)).toBe('.gitignore\na.py');
  });

  it('a cache that cannot be written is gone without: the snapshot still succeeds', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'u.txt': 'u\n' });
    snap(dir);
    fs.rmSync(path.join(dir, '.git/tmt/index.record'));
    fs.mkdirSync(path.join(dir, '.git/tmt/index.record'));
    const r = tmt(dir, ['snapshot']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(nativeTree(dir));
    expect(tmt(dir, ['save', '-n', 'x']).code).toBe(0);
  });
});

describe('layouts git add -A handles', () => {
  it('a tracked directory replaced by a symlink to another disk, then by a dangling one', () => {
    const elsewhere = tempDir();
    writeFiles(elsewhere, { 'big.csv': 'on another disk\n' });
    const dir = makeRepo({ 'a.py': 'a\n', 'data/x.csv': 'x\n', 'data/sub/y.csv': 'y\n' });
    fs.rmSync(path.join(dir, 'data'), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(dir, 'data'));
    let tree = expectSame(dir);
    expect(git(dir, 'ls-tree', tree, 'data')).toMatch(/^120000 blob /);
    fs.rmSync(path.join(dir, 'data'));
    fs.symlinkSync(path.join(elsewhere, 'gone'), path.join(dir, 'data'));
    tree = expectSame(dir);
    expect(git(dir, 'ls-tree', '-r', '--name-only', tree)).toBe('a.py\ndata');
    // And a run can be recorded from it.
    const r = tmt(dir, ['record', '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a symlink to a directory replaced by a real directory', () => {
    const dir = makeRepo({ 'a.py': 'a\n', 't/x': 'x\n', 'link': { symlink: 't' } });
    fs.rmSync(path.join(dir, 'link'));
    writeFiles(dir, { 'link/inner.txt': 'now a directory\n' });
    expectSame(dir);
  });

  it('a split index: nothing is left in the git dir but tmt/', () => {
    const dir = makeRepo({ 'f1': '1\n', 'f2': '2\n' });
    git(dir, 'config', 'core.splitIndex', 'true');
    git(dir, 'update-index', '--split-index');
    writeFiles(dir, { 'f1': 'changed\n', 'u.txt': 'u\n' });
    const listing = () => fs.readdirSync(path.join(dir, '.git')).filter((f) => f !== 'tmt').sort();
    const before = listing();
    const index = fs.readFileSync(path.join(dir, '.git/index'));
    for (let i = 0; i < 3; i++) {
      expectSame(dir);
      writeFiles(dir, { [`n${i}.txt`]: `${i}\n` });
    }
    expect(listing()).toEqual(before);
    expect(fs.readFileSync(path.join(dir, '.git/index')).equals(index)).toBe(true);
    expect(fs.readdirSync(path.join(dir, '.git/tmt')).sort()).toEqual(['index', 'index.record']);
  });

  it('sparse checkout: new and modified files outside the definition are recorded, as git add -A --sparse does', () => {
    const dir = makeRepo({ 'in/f': '1\n', 'out/g': '1\n', 'out/h': 'h\n' });
    git(dir, 'sparse-checkout', 'set', 'in');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    writeFiles(dir, { 'out/new.py': 'new outside\n', 'out/g': 'modified outside\n', 'in/n': 'n\n' });
    const tree = expectSame(dir, {}, ['--sparse']);
    expect(git(dir, 'cat-file', 'blob', `${tree}:out/g`)).toBe('modified outside');
    expect(git(dir, 'cat-file', 'blob', `${tree}:out/new.py`)).toBe('new outside');
    expect(git(dir, 'cat-file', 'blob', `${tree}:out/h`)).toBe('h'); // not on disk: kept as committed
    // Plain git add -A refuses those paths; tmt records them on purpose (README, "What a snapshot contains").
    expect(gitRaw(dir, ['add', '-A', '--dry-run']).stderr).toMatch(/outside of your sparse-checkout definition/);
    expect(nativeTree(dir, ['--sparse'])).not.toBe(nativeTreeIgnoringExit(dir));
  });
});

/** Plain `git add -A` on a copy of the index: it exits 1 on paths outside the cone but still writes the rest. */
function nativeTreeIgnoringExit(dir: string): string {
  const scratch = path.join(tempDir(), 'index');
  fs.copyFileSync(path.join(dir, '.git/index'), scratch);
  const env = { ...testEnv, GIT_INDEX_FILE: scratch };
  expect(spawnSync('git', ['add', '-A'], { cwd: dir, env }).status).toBe(1);
  return spawnSync('git', ['write-tree'], { cwd: dir, env, encoding: 'utf8' }).stdout.trim();
}

describe('a file that changes while it is read', () => {
  /** Rewrites `file` in place, alternating all-A and all-B in 1 MB writes; `rest` pauses between some versions. */
  function writer(file: string, size: number, rest: boolean) {
    const pause = rest ? 'if(i%4===0)Atomics.wait(r,0,0,150);' : '';
    const code = `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(file)},'r+');const a=[Buffer.alloc(1<<20,0x41),Buffer.alloc(1<<20,0x42)];const r=new Int32Array(new SharedArrayBuffer(4));let i=0;const end=Date.now()+20000;while(Date.now()<end){const b=a[i++%2];for(let o=0;o<${size};o+=1<<20)fs.writeSync(fd,b,0,b.length,o);${pause}}`;
    return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  }

  for (const rest of [false, true]) {
    it(`records a version the file really had, or leaves it out with a warning; never a mix (writer ${rest ? 'resting' : 'never resting'})`, async () => {
      const dir = makeRepo({ 'a.py': 'a\n' });
      const size = 8 * 1024 * 1024;
      const file = path.join(dir, 'live.bin');
      const versions = new Set<string>();
      for (const byte of [0x42, 0x41]) {
        fs.writeFileSync(file, Buffer.alloc(size, byte));
        versions.add(git(dir, 'hash-object', 'live.bin'));
      }
      const child = writer(file, size, rest);
      try {
        let leftOut = 0;
        for (let i = 0; i < 5; i++) {
          const r = tmt(dir, ['snapshot', '--json']);
          expect(r.code, r.stderr).toBe(0);
          const json = JSON.parse(r.stdout);
          if (json.skipped.some((s: { path: string; reason: string }) => s.path === 'live.bin' && s.reason === 'changing')) {
            leftOut++;
            expect(r.stderr).toMatch(/^warning: left out live\.bin from the snapshot: it changed each of the 3 times it was read/m);
            expect(gitRaw(dir, ['rev-parse', '--verify', '-q', `${json.tree}:live.bin`]).status).not.toBe(0);
          } else {
            expect(versions.has(git(dir, 'rev-parse', `${json.tree}:live.bin`)), `snapshot ${i} recorded a mix of two versions`).toBe(true);
          }
        }
        // A run lists it in its note like any file left out.
        const saved = tmt(dir, ['save', '--json']);
        expect(saved.code, saved.stderr).toBe(0);
        const skipped = JSON.parse(saved.stdout).run.snapshot.skipped as Array<{ path: string; reason: string }>;
        expect(skipped.every((s) => s.path === 'live.bin' && s.reason === 'changing')).toBe(true);
        process.stderr.write(`changing file, writer ${rest ? 'resting' : 'never resting'}: left out in ${leftOut} of 5 snapshots\n`);
      } finally {
        child.kill('SIGKILL');
      }
      fsck(dir);
    }, 60_000);
  }

  it('a file nobody writes to is never reported as changing', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'steady.txt': 'steady\n' });
    const r = tmt(dir, ['snapshot', '--json']);
    expect(JSON.parse(r.stdout).skipped).toEqual([]);
    expect(r.stderr).toBe('');
  });
});

describe('property: the warm snapshot equals --no-cache and git after every step', () => {
  const FILES = ['u1.txt', 'u2.txt', 'sub/s.txt', 'sub/deep/d.txt', 'w.dat'];
  const CONTENTS = ['ab\r\n', 'xy\r\n', 'abc\n', 'XYZ\n', 'a\r\nb', 'zz\r\n', 'a\0\r\n']; // all four bytes: rewrites keep the size; NUL reads as binary
  const ATTR_FILES = ['.gitattributes', 'sub/.gitattributes', 'sub/deep/.gitattributes', '.git/info/attributes', 'XDG'];
  const ATTRS = ['', '*.txt text\n', '*.txt -text\n', '* text eol=crlf\n', '*.txt filter=up\n', '*.dat text\n', '* text=auto\n'];

  /** Snapshot without touching the cache the warm chain uses. */
  function coldAside(dir: string, env: Record<string, string>): string {
    const tmtDir = path.join(dir, '.git/tmt');
    const aside = tempDir();
    for (const f of ['index', 'index.record']) if (fs.existsSync(path.join(tmtDir, f))) fs.copyFileSync(path.join(tmtDir, f), path.join(aside, f));
    try {
      return snap(dir, env, ['--no-cache']);
    } finally {
      for (const f of ['index', 'index.record']) {
        fs.rmSync(path.join(tmtDir, f), { force: true });
        if (fs.existsSync(path.join(aside, f))) fs.copyFileSync(path.join(aside, f), path.join(tmtDir, f));
      }
    }
  }

  const seeds = process.env.TMT_PROPERTY_SEED ? [Number(process.env.TMT_PROPERTY_SEED)] : [11, 22, 33];
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const xdg = tempDir();
      const env = { XDG_CONFIG_HOME: xdg };
      // sub/deep/.gitattributes is ignored, yet git reads it.
      const dir = makeRepo({ 'a.py': 'a\n', '.gitignore': 'sub/deep/.gitattributes\n' });
      git(dir, 'config', 'filter.up.clean', 'tr a-z A-Z');
      for (const f of FILES) rewrite(dir, f, pick(CONTENTS));
      const log: string[] = [];
      for (let step = 0; step < 16; step++) {
        const action = Math.floor(random() * 8);
        const f = pick(FILES);
        switch (action) {
          case 0:
            log.push(`rewrite ${f}`);
            rewrite(dir, f, pick(CONTENTS));
            break;
          case 7:
            // The race that matters: cached, then rewritten with the same size in the same second.
            log.push(`burst ${f}`);
            rewrite(dir, f, pick(CONTENTS));
            snap(dir, env);
            rewrite(dir, f, pick(CONTENTS));
            break;
          case 1:
            log.push(`touch ${f}`);
            if (fs.existsSync(path.join(dir, f))) fs.utimesSync(path.join(dir, f), new Date(), new Date());
            break;
          case 2:
            log.push('refresh index');
            gitRaw(dir, ['update-index', '-q', '--refresh']);
            indexRewrittenLater(dir);
            break;
          case 3: {
            const where = pick(ATTR_FILES);
            const text = pick(ATTRS);
            log.push(`attributes ${where} = ${JSON.stringify(text)}`);
            writeFiles(where === 'XDG' ? xdg : dir, { [where === 'XDG' ? 'git/attributes' : where]: text });
            break;
          }
          case 4:
            log.push('next second');
            await nextSecond();
            break;
          case 5: {
            const value = pick(['true', 'input', 'false']);
            log.push(`core.autocrlf ${value}`);
            git(dir, 'config', 'core.autocrlf', value);
            break;
          }
          case 6: {
            const tracked = gitRaw(dir, ['ls-files', '--error-unmatch', f]).status === 0;
            log.push(`${tracked ? 'rm --cached' : 'add'} ${f}`);
            if (tracked) git(dir, 'rm', '-q', '-f', '--cached', f);
            else gitRaw(dir, ['add', f]);
          }
        }
        const expected = nativeTreeIn(dir, env);
        const warm = snap(dir, env);
        const cold = coldAside(dir, env);
        const where = `seed ${seed}, after: ${log.join('; ')}`;
        expect(cold, `--no-cache differs from git (${where})`).toBe(expected);
        expect(warm, `warm snapshot differs from git (${where})`).toBe(expected);
      }
      fsck(dir);
    }, 120_000);
  }
});
