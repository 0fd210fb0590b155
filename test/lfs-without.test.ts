/**
 * tmt where git works but git-lfs does not: git finds `git-lfs` on PATH (it
 * is not in git's exec-path), so these tests run tmt with a PATH of a few
 * symbolic links to what they need, git-lfs not among them. Large artifacts
 * then stay in git with one warning; runs that hold LFS pointers are fetched
 * and shown, but getting or pushing their objects says how to install git-lfs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers/git.js';
import { gitLfs, requireGitLfsInCi } from './helpers/lfs.js';
import { seededRandom } from './helpers/random.js';
import { allRefs, bareRepo, cloneOf, configText, projectWithRemote } from './helpers/remote.js';
import { BIN, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);
requireGitLfsInCi();

/** Where `tool` is on the test's PATH. */
function which(tool: string): string {
  for (const d of (testEnv.PATH ?? '').split(':')) {
    const p = path.join(d, tool);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  throw new Error(`${tool} is not on PATH`);
}

/** A PATH with git and a few tools, and no git-lfs. */
const noLfsBin = tempDir('tmt-nolfs-bin-');
for (const tool of ['git', 'sh', 'cat', 'cp', 'head', 'dd', 'env', 'mkdir', 'rm']) fs.symlinkSync(which(tool), path.join(noLfsBin, tool));
const NO_LFS = { PATH: noLfsBin };

function bytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}

/** Files outside every repository, for commands to copy into $TMT_ARTIFACTS. */
const src = tempDir('tmt-nolfs-src-');
const BIG = bytes(3000, 1);
const OTHER = bytes(5000, 2);
const SMALL = Buffer.from('small\n');
fs.writeFileSync(path.join(src, 'big.bin'), BIG);
fs.writeFileSync(path.join(src, 'other.bin'), OTHER);
fs.writeFileSync(path.join(src, 'small.txt'), SMALL);
const COPY = `cp "${src}/big.bin" "$TMT_ARTIFACTS/big.bin" && mkdir -p "$TMT_ARTIFACTS/sub" && cp "${src}/other.bin" "$TMT_ARTIFACTS/sub/other big.bin" && cp "${src}/small.txt" "$TMT_ARTIFACTS/small.txt"`;

const INSTALL_HINT = 'install git-lfs (apt install git-lfs, brew install git-lfs, or https://git-lfs.com)';

function lastRun(dir: string): string {
  return git(dir, 'for-each-ref', '--sort=-refname', '--count=1', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
}

function blobAt(dir: string, spec: string): Buffer {
  return spawnSync('git', ['cat-file', 'blob', spec], { cwd: dir, env: testEnv }).stdout;
}

function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).sort() : [];
}

describe.skipIf(!gitLfs)('tmt without git-lfs', () => {
  it('this PATH runs git, and git lfs fails on it', () => {
    expect(spawnSync('git', ['--version'], { env: { ...testEnv, ...NO_LFS } }).status).toBe(0);
    const lfs = spawnSync('git', ['lfs', 'version'], { env: { ...testEnv, ...NO_LFS }, encoding: 'utf8' });
    expect(lfs.status).not.toBe(0);
    expect(lfs.stderr).toMatch(/'lfs' is not a git command/);
  });

  it('record keeps large artifacts as plain blobs, with one warning naming them, their size, 100 MB and how to install git-lfs', async () => {
    const dir = makeRepo({ 'train.py': 'x\n' });
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    const rec = await tmtAsync(dir, ['record', '-q', '--no-pty', '--', 'sh', '-c', COPY], NO_LFS);
    expect(rec.code, rec.stderr).toBe(0);
    const lines = rec.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: kept in git, not in git LFS \(git-lfs is not installed\): /);
    expect(lines[0]).toContain('big.bin (2.9 KiB)');
    expect(lines[0]).toMatch(/sub\/other big\.bin'? \(4\.9 KiB\)/);
    expect(lines[0]).not.toContain('small.txt');
    expect(lines[0]).toContain('at or over tmt.lfs.threshold (1.0 KiB)');
    expect(lines[0]).toContain('100 MB');
    expect(lines[0]).toContain(INSTALL_HINT);

    const id = lastRun(dir);
    const outputs = `refs/tmt/runs/${id}^2`;
    expect(git(dir, 'ls-tree', '-r', '--name-only', outputs).split('\n')).toEqual(['artifacts/big.bin', 'artifacts/small.txt', 'artifacts/sub/other big.bin', 'logs/stderr', 'logs/stdout', 'metrics.jsonl']);
    expect(blobAt(dir, `${outputs}:artifacts/big.bin`).equals(BIG)).toBe(true);
    expect(blobAt(dir, `${outputs}:artifacts/sub/other big.bin`).equals(OTHER)).toBe(true);
    expect(fs.existsSync(path.join(dir, '.git/lfs'))).toBe(false);
    expect(git(dir, 'for-each-ref', 'refs/tmt-lfs/')).toBe('');

    const show = await tmtAsync(dir, ['show', id], NO_LFS);
    expect(show.stdout).not.toMatch(/LFS/);
    const out = path.join(tempDir('tmt-nolfs-get-'), 'out');
    const get = await tmtAsync(dir, ['get', id, '--all', '-o', out], NO_LFS);
    expect(get.code, get.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'big.bin')).equals(BIG)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'sub/other big.bin')).equals(OTHER)).toBe(true);

    // Adding one to the finished run: the same warning, and a plain blob.
    const log = await tmtAsync(dir, ['log', 'artifact', path.join(src, 'other.bin'), '--run', id], NO_LFS);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^warning: kept in git, not in git LFS \(git-lfs is not installed\): other\.bin \(4\.9 KiB\), .*100 MB.*install git-lfs/), 'logged other.bin']);
    expect(blobAt(dir, `refs/tmt/runs/${id}^2:artifacts/other.bin`).equals(OTHER)).toBe(true);
    expect(git(dir, 'ls-tree', '--name-only', `refs/tmt/runs/${id}^2`)).not.toContain('.gitattributes');
    expect(fs.existsSync(path.join(dir, '.git/lfs'))).toBe(false);
  });

  it('push warns about a blob over 100 MB before it pushes, and still pushes it', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'config', 'tmt.lfs.threshold', '1K');
    // 101 MiB of zeros, made in an instant: git compresses it to almost nothing.
    const make = 'const f = process.env.TMT_ARTIFACTS + "/huge.bin"; require("fs").writeFileSync(f, ""); require("fs").truncateSync(f, 101 * 1024 * 1024)';
    const rec = await tmtAsync(dir, ['record', '-q', '--no-pty', '--', process.execPath, '-e', make], NO_LFS);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stderr).toMatch(/^warning: kept in git, not in git LFS \(git-lfs is not installed\): huge\.bin \(101\.0 MiB\)/);
    const id = lastRun(dir);
    const blob = git(dir, 'rev-parse', `refs/tmt/runs/${id}^2:artifacts/huge.bin`);

    const push = await tmtAsync(dir, ['push'], NO_LFS);
    expect(push.code, push.stderr).toBe(0);
    const lines = push.stderr.trimEnd().split('\n');
    const warned = lines.findIndex((l) => /^warning: pushing a file stored in git over 100 MB \(largest 101\.0 MiB\): many hosts reject them/.test(l));
    expect(warned, push.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.filter((l) => l.startsWith('warning:'))).toHaveLength(1);
    expect(warned).toBeLessThan(lines.findIndex((l) => l.startsWith('tmt: pushing')));
    expect(lines.at(-1)).toMatch(/^pushed 1 run and notes to origin$/);
    expect(git(bare, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(dir, 'rev-parse', `refs/tmt/runs/${id}`));
    expect(git(bare, 'cat-file', '-s', blob)).toBe(String(101 * 1024 * 1024));
    // Once tmt fetch has seen the run there, a push does not look at it again: no second warning.
    expect((await tmtAsync(dir, ['fetch'], NO_LFS)).code).toBe(0);
    const again = await tmtAsync(dir, ['push'], NO_LFS);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/warning/);
  });

  describe('runs that hold LFS artifacts, in a clone without git-lfs', () => {
    const bare = bareRepo();
    let seed = '';
    let clone = '';
    let id = '';

    it('(with git-lfs) a run with an LFS artifact is recorded and pushed; the clone fetches it without git-lfs', async () => {
      seed = projectWithRemote(bare);
      git(seed, 'config', 'tmt.lfs.threshold', '1K');
      const rec = await tmtAsync(seed, ['record', '-q', '--no-pty', '-n', 'lfs', '--', 'sh', '-c', COPY]);
      expect(rec.code, rec.stderr).toBe(0);
      id = lastRun(seed);
      const push = await tmtAsync(seed, ['push']);
      expect(push.code, push.stderr).toBe(0);
      expect(push.stderr).toMatch(/with 2 LFS objects/);

      clone = cloneOf(bare);
      const fetch = await tmtAsync(clone, ['fetch'], NO_LFS);
      expect(fetch.code, fetch.stderr).toBe(0);
      expect(git(clone, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(seed, 'rev-parse', `refs/tmt/runs/${id}`));
      const show = await tmtAsync(clone, ['show', id], NO_LFS);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(new RegExp(`^  big\\.bin +2\\.9 KiB  git LFS, not here \\(tmt get ${id.slice(0, 12)} big\\.bin\\)$`, 'm'));
      expect(show.stdout).toMatch(/^ {2}small\.txt +6 B$/m);
      const json = JSON.parse((await tmtAsync(clone, ['show', id, '--json'], NO_LFS)).stdout).run.artifacts;
      expect(json.find((a: { path: string }) => a.path === 'big.bin').lfs.here).toBe(false);
    });

    it('tmt get of an LFS artifact fails with one line, the install hint and exit 3, and writes nothing; plain artifacts still come', async () => {
      const top = tempDir('tmt-nolfs-out-');
      const config = configText(clone);
      const expected = [`error: run ${id.slice(0, 12)} (lfs) keeps an artifact in git LFS; getting it needs git-lfs, which is not installed`, `hint: ${INSTALL_HINT}`];
      const one = await tmtAsync(clone, ['get', id, 'big.bin', '-o', path.join(top, 'big.bin')], NO_LFS);
      expect(one.code).toBe(3);
      expect(one.stdout).toBe('');
      expect(one.stderr.trimEnd().split('\n')).toEqual(expected);
      const stdout = spawnSync(process.execPath, [BIN, 'get', id, 'big.bin', '-o', '-'], { cwd: clone, env: { ...testEnv, ...NO_LFS } });
      expect(stdout.status).toBe(3);
      expect(stdout.stdout.length).toBe(0);
      const all = await tmtAsync(clone, ['get', id, '--all', '-o', path.join(top, 'all')], NO_LFS);
      expect(all.code).toBe(3);
      expect(all.stderr.trimEnd().split('\n')).toEqual([`error: run ${id.slice(0, 12)} (lfs) keeps 2 artifacts in git LFS; getting them needs git-lfs, which is not installed`, `hint: ${INSTALL_HINT}`]);
      // Not even the plain artifact of the --all: the refusal comes before the first file.
      expect(filesIn(top).filter((f) => f !== 'all')).toEqual([]);
      expect(fs.existsSync(path.join(clone, '.git/lfs'))).toBe(false);
      expect(configText(clone)).toBe(config);

      const small = await tmtAsync(clone, ['get', id, 'small.txt', '-o', path.join(top, 'small.txt')], NO_LFS);
      expect(small.code, small.stderr).toBe(0);
      expect(fs.readFileSync(path.join(top, 'small.txt')).equals(SMALL)).toBe(true);
    });

    it('tmt push of a run with LFS objects refuses with the install hint and moves no remote ref, from the clone and from the recording repository; other runs go by name', async () => {
      const elsewhere = bareRepo();
      const hint = `hint: ${INSTALL_HINT}; or push the other runs by name`;
      for (const from of [clone, seed]) {
        const before = allRefs(from);
        const r = await tmtAsync(from, ['push', elsewhere], NO_LFS);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual([`error: run ${id.slice(0, 12)} keeps artifacts in git LFS, and pushing them needs git-lfs, which is not installed`, hint]);
        expect(allRefs(elsewhere)).toEqual([]);
        expect(fs.existsSync(path.join(elsewhere, 'lfs'))).toBe(false);
        expect(allRefs(from)).toEqual(before);
      }
      // A run of its own (small artifacts only) goes by name; the LFS run, which origin already has, is no obstacle there either.
      const rec = await tmtAsync(clone, ['record', '-q', '--no-pty', '-n', 'plain', '--', 'sh', '-c', `cp "${src}/small.txt" "$TMT_ARTIFACTS/"`], NO_LFS);
      expect(rec.code, rec.stderr).toBe(0);
      const plain = git(clone, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/').split('\n').find((r) => r !== id)!;
      const byName = await tmtAsync(clone, ['push', elsewhere, 'plain'], NO_LFS);
      expect(byName.code, byName.stderr).toBe(0);
      expect(allRefs(elsewhere).map((l) => l.split(' ')[0])).toEqual(['refs/notes/tmt', `refs/tmt/runs/${plain}`]);
      const toOrigin = await tmtAsync(clone, ['push'], NO_LFS);
      expect(toOrigin.code, toOrigin.stderr).toBe(0);
      expect(toOrigin.stderr).toMatch(/pushed 1 run and notes to origin$/m);
      expect(git(bare, 'rev-parse', `refs/tmt/runs/${plain}`)).toBe(git(clone, 'rev-parse', `refs/tmt/runs/${plain}`));
    });
  });
});
