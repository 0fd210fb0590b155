import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, nativeTree, tempDir, writeFiles } from './helpers/git.js';
import { tmt, tmtTree } from './helpers/tmt.js';

afterAll(cleanupTemp);

/** tmt's tree must equal git's, cold (no cache) and warm (through the stat cache). */
function expectSameAsGit(dir: string, cwd = dir): string {
  const expected = nativeTree(dir);
  expect(tmtTree(cwd, ['--no-cache'])).toBe(expected);
  expect(tmtTree(cwd)).toBe(expected); // seeds the cache
  expect(tmtTree(cwd)).toBe(expected); // reads it
  fsck(dir);
  return expected;
}

describe('tmt snapshot equals git add -A + write-tree on a copy of the index', () => {
  it('tracked, modified, staged and untracked files', () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'src/b.py': 'b\n', 'src/c.py': 'c\n' });
    writeFiles(dir, { 'a.py': 'a changed\n', 'new.py': 'new\n', 'src/deep/new.txt': 'deep\n' });
    writeFiles(dir, { 'src/c.py': 'staged\n' });
    git(dir, 'add', 'src/c.py');
    writeFiles(dir, { 'src/c.py': 'staged then edited\n' });
    expectSameAsGit(dir);
  });

  it('nested .gitignore with negations, info/exclude and core.excludesFile', () => {
    const dir = makeRepo({
      '.gitignore': '*.log\n!keep.log\nbuild/\n/data\n',
      'sub/.gitignore': '*.tmp\n!important.tmp\nnested/\n',
      'sub/x.py': 'x\n',
    });
    const excludes = path.join(tempDir(), 'global-ignore');
    fs.writeFileSync(excludes, '*.secret\n');
    git(dir, 'config', 'core.excludesFile', excludes);
    fs.appendFileSync(path.join(dir, '.git/info/exclude'), 'scratch/\n');
    writeFiles(dir, {
      'a.log': 'ignored\n',
      'keep.log': 'kept\n',
      'build/out.o': 'ignored\n',
      'src/build/out.o': 'ignored too\n',
      'data/big.csv': 'ignored\n',
      'sub/data/small.csv': 'kept: /data is anchored\n',
      'sub/a.tmp': 'ignored\n',
      'sub/important.tmp': 'kept\n',
      'sub/nested/q.py': 'ignored\n',
      'token.secret': 'ignored by core.excludesFile\n',
      'scratch/notes.md': 'ignored by info/exclude\n',
    });
    const tree = expectSameAsGit(dir);
    const listed = git(dir, 'ls-tree', '-r', '--name-only', tree).split('\n');
    expect(listed).toContain('keep.log');
    expect(listed).toContain('sub/important.tmp');
    expect(listed).not.toContain('token.secret');
    expect(listed).not.toContain('scratch/notes.md');
  });

  it('keeps a tracked file that an ignore pattern matches', () => {
    const dir = makeRepo({ 'model.ckpt': 'tracked on purpose\n' });
    writeFiles(dir, { '.gitignore': '*.ckpt\n', 'other.ckpt': 'untracked, ignored\n' });
    const tree = expectSameAsGit(dir);
    expect(git(dir, 'ls-tree', '-r', '--name-only', tree).split('\n')).toEqual(['.gitignore', 'model.ckpt']);
  });

  it('modes: executable files and symlinks (including a symlink loop)', () => {
    const dir = makeRepo({ 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'link': { symlink: 'run.sh' } });
    writeFiles(dir, {
      'new.sh': { content: '#!/bin/sh\necho\n', mode: 0o755 },
      'loop-a': { symlink: 'loop-b' },
      'loop-b': { symlink: 'loop-a' },
      'dangling': { symlink: 'does/not/exist' },
    });
    const tree = expectSameAsGit(dir);
    const modes = git(dir, 'ls-tree', '-r', tree);
    expect(modes).toMatch(/^100755 blob \w+\tnew\.sh$/m);
    expect(modes).toMatch(/^120000 blob \w+\tloop-a$/m);
  });

  it('submodules as gitlinks at their checked-out commit', () => {
    const sub = makeRepo({ 'lib.py': 'v1\n' });
    const dir = makeRepo({ 'main.py': 'main\n' });
    git(dir, 'submodule', '--quiet', 'add', sub, 'vendor/lib');
    git(dir, 'commit', '-qm', 'add submodule');
    writeFiles(path.join(dir, 'vendor/lib'), { 'lib.py': 'v2\n' });
    git(path.join(dir, 'vendor/lib'), 'commit', '-qam', 'v2');
    const tree = expectSameAsGit(dir);
    const head = git(path.join(dir, 'vendor/lib'), 'rev-parse', 'HEAD');
    expect(git(dir, 'ls-tree', tree, 'vendor/lib')).toBe(`160000 commit ${head}\tvendor/lib`);
  });

  it('leaves out empty directories and files deleted from disk but still in the index', () => {
    const dir = makeRepo({ 'keep.py': 'k\n', 'gone.py': 'g\n' });
    fs.rmSync(path.join(dir, 'gone.py'));
    fs.mkdirSync(path.join(dir, 'empty/nested'), { recursive: true });
    const tree = expectSameAsGit(dir);
    expect(git(dir, 'ls-tree', '-r', '--name-only', tree)).toBe('keep.py');
  });

  it('works in a repository with no commits yet', () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'b/c.py': 'c\n' }, { commit: false });
    expectSameAsGit(dir);
    git(dir, 'add', 'a.py');
    expectSameAsGit(dir);
  });

  it('a new repository with no files at all: the empty tree, and a run can be saved', () => {
    const dir = makeRepo({}, { commit: false });
    expect(expectSameAsGit(dir)).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    expect(tmt(dir, ['save', '-n', 'empty']).code).toBe(0);
    expect(git(dir, 'ls-tree', `refs/tmt/runs/${tmt(dir, ['list', '--json']).stdout.match(/"id": "(\w+)"/)![1]}`)).toBe('');
    fsck(dir);
  });

  it('works on a detached HEAD, in a linked worktree, and with packed objects', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'a.py': 'a2\n' });
    git(dir, 'commit', '-qam', 'second');
    git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
    writeFiles(dir, { 'b.py': 'b\n' });
    expectSameAsGit(dir);

    const wt = path.join(tempDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'other', wt, 'main');
    writeFiles(wt, { 'wt-only.py': 'w\n', 'a.py': 'edited in worktree\n' });
    expectSameAsGit(wt);
    expect(fs.existsSync(path.join(dir, '.git/worktrees/wt/tmt/index'))).toBe(true);

    git(dir, 'gc', '-q', '--prune=now');
    expect(git(dir, 'count-objects', '-v')).toMatch(/^count: 0$/m);
    writeFiles(dir, { 'c.py': 'c\n' });
    expectSameAsGit(dir);
  });

  it('unicode names, spaces and newlines in names', () => {
    const dir = makeRepo({ 'données/été.py': 'é\n', 'with space.txt': 's\n' });
    writeFiles(dir, { '日本語/ファイル.md': 'j\n', 'tab\tname.txt': 't\n', 'new\nline.txt': 'n\n', 'ü.py': 'u\n' });
    const tree = expectSameAsGit(dir);
    expect(git(dir, 'ls-tree', '-r', '-z', '--name-only', tree).split('\0')).toContain('new\nline.txt');
  });

  it('names that are not UTF-8: tracked and changed, new, kept out by the size cap', () => {
    const latin = (s: string) => Buffer.from(s, 'latin1');
    const dir = makeRepo({});
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), latin('caf\xe9.txt')]), 'v1\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'latin-1 name');
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), latin('caf\xe9.txt')]), 'v2\n');
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), latin('new\xff.txt')]), 'new\n');
    const tree = expectSameAsGit(dir);
    const names = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', tree], { cwd: dir, env: testEnv }).toString('latin1').split('\0');
    expect(names).toContain('caf\xe9.txt');
    expect(names).toContain('new\xff.txt');
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), latin('big\xfe.bin')]), Buffer.alloc(2048));
    const r = tmt(dir, ['snapshot', '--json', '--max-file-size', '1K']);
    expect(JSON.parse(r.stdout).skipped).toEqual([{ path: 'big\ufffd.bin', reason: 'too-large', size: 2048 }]);
  });

  it('a repository whose own path is not ASCII: modified, new and non-ASCII files all recorded, no warning', () => {
    // The work-tree path is UTF-8 text while git's paths are raw bytes: joining the two must keep each encoding.
    const dir = path.join(tempDir('tmt-ü-'), '日本', 'jürgen');
    fs.mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    writeFiles(dir, { 'a.py': 'a\n', 'données/été.py': 'é\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'initial');
    writeFiles(dir, { 'a.py': 'a changed\n', 'données/été.py': 'é changed\n', 'new.txt': 'new\n', 'ファイル.md': 'j\n' });
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/'), Buffer.from('caf\xe9.txt', 'latin1')]), 'not UTF-8\n');
    const expected = nativeTree(dir);
    for (const extra of [['--no-cache'], [], []]) {
      const r = tmt(dir, ['snapshot', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(expected);
    }
    expect(git(dir, 'cat-file', 'blob', `${expected}:données/été.py`)).toBe('é changed');
    const rec = tmt(dir, ['record', '-q', '--no-pty', '--', 'true']);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stderr).not.toMatch(/left out/);
    const id = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].id;
    expect(git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`)).toBe(expected);
    fsck(dir);
  });

  it('a repository of several thousand files, half of them untracked', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`pkg${i % 30}/mod${i % 7}/f${i}.py`] = `value = ${i}\n`;
    const dir = makeRepo(files);
    const untracked: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) untracked[`out${i % 20}/u${i}.txt`] = `u${i}\n`;
    writeFiles(dir, untracked);
    expectSameAsGit(dir);
    const json = JSON.parse(tmt(dir, ['snapshot', '--json']).stdout);
    expect(json.files).toBe(6000);
    expect(json.cacheHits).toBe(3000);
  });

  it('runs from a subdirectory and snapshots the whole working tree', () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'deep/er/b.py': 'b\n' });
    writeFiles(dir, { 'top.py': 't\n' });
    expectSameAsGit(dir, path.join(dir, 'deep/er'));
  });

  it('stays exact when the stat cache is stale: newly ignored, deleted, re-added files', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'u1.py': '1\n', 'u2.py': '2\n', 'logs/x.txt': 'x\n' });
    expectSameAsGit(dir);
    writeFiles(dir, { '.gitignore': 'u1.py\nlogs/\n' }); // cached untracked files are now ignored
    fs.rmSync(path.join(dir, 'u2.py')); // cached untracked file deleted
    writeFiles(dir, { 'u3.py': '3\n' });
    expectSameAsGit(dir);
    writeFiles(dir, { 'u2': { content: 'file where a directory was cached\n' } });
    fs.mkdirSync(path.join(dir, 'u2.py'));
    writeFiles(dir, { 'u2.py/inner.py': 'dir replaces cached file\n' });
    expectSameAsGit(dir);
    git(dir, 'add', '-f', 'u1.py'); // now tracked although ignored
    git(dir, 'commit', '-qm', 'track u1');
    expectSameAsGit(dir);
    // Same size, same mtime second: git's racy-clean rule must still catch the edit.
    writeFiles(dir, { 'u3.py': '4\n' });
    expectSameAsGit(dir);
  });

  describe('every kind of change git add -A handles (tmt updates the index with plumbing)', () => {
    it('a merge conflict (unmerged stages) and an intent-to-add entry', () => {
      const dir = makeRepo({ 'c.txt': 'base\n', 'other.txt': 'o\n' });
      git(dir, 'checkout', '-q', '-b', 'side');
      writeFiles(dir, { 'c.txt': 'side\n' });
      git(dir, 'commit', '-qam', 'side');
      git(dir, 'checkout', '-q', 'main');
      writeFiles(dir, { 'c.txt': 'main\n' });
      git(dir, 'commit', '-qam', 'main');
      expect(gitRaw(dir, ['merge', '-q', 'side']).status).not.toBe(0);
      expect(git(dir, 'ls-files', '-u')).not.toBe('');
      writeFiles(dir, { 'ita.txt': 'intent to add\n' });
      git(dir, 'add', '-N', 'ita.txt');
      expectSameAsGit(dir);
    });

    it('a file replaced by a directory, a directory replaced by a file', () => {
      const dir = makeRepo({ 'a': 'file a\n', 'd/x': 'x\n', 'd/y': 'y\n' });
      fs.rmSync(path.join(dir, 'a'));
      writeFiles(dir, { 'a/inner.txt': 'now a directory\n' });
      fs.rmSync(path.join(dir, 'd'), { recursive: true });
      writeFiles(dir, { 'd': 'now a file\n' });
      expectSameAsGit(dir);
    });

    it('mode and type changes, with core.filemode on and off', () => {
      const dir = makeRepo({ 'run.sh': 'echo\n', 'f.txt': 'f\n', 'l': { symlink: 'f.txt' } });
      fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
      fs.rmSync(path.join(dir, 'f.txt'));
      fs.symlinkSync('run.sh', path.join(dir, 'f.txt'));
      fs.rmSync(path.join(dir, 'l'));
      writeFiles(dir, { 'l': 'was a symlink\n' });
      expectSameAsGit(dir);
      git(dir, 'config', 'core.filemode', 'false');
      fs.chmodSync(path.join(dir, 'run.sh'), 0o644);
      expectSameAsGit(dir);
    });

    it('a submodule whose checked-out commit moved, and one with uncommitted edits', () => {
      const inner = makeRepo({ 'lib.py': 'v1\n' });
      const dir = makeRepo({ 'main.py': 'm\n' });
      git(dir, '-c', 'protocol.file.allow=always', 'submodule', '-q', 'add', inner, 'lib');
      git(dir, 'commit', '-qm', 'submodule');
      writeFiles(path.join(dir, 'lib'), { 'lib.py': 'v2\n' });
      git(path.join(dir, 'lib'), 'commit', '-qam', 'v2');
      expectSameAsGit(dir);
      writeFiles(path.join(dir, 'lib'), { 'lib.py': 'dirty\n', 'new.py': 'n\n' });
      expectSameAsGit(dir);
    });

    it('assume-unchanged entries, racily clean files and a clean filter', () => {
      const dir = makeRepo({ 'quiet.txt': 'q\n', 'racy.txt': 'r1\n', '.gitattributes': '*.up filter=upper\n' });
      git(dir, 'config', 'filter.upper.clean', 'tr a-z A-Z');
      git(dir, 'update-index', '--assume-unchanged', 'quiet.txt');
      writeFiles(dir, { 'quiet.txt': 'changed but assumed unchanged\n', 'shout.up': 'made upper by the filter\n' });
      // Same size, written in the same second as the index: only its content tells.
      git(dir, 'add', 'racy.txt');
      writeFiles(dir, { 'racy.txt': 'r2\n' });
      expectSameAsGit(dir);
    });
  });

  it('does not touch the real index, HEAD or the working tree', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'b.py': 'b\n', 'a.py': 'edited\n' });
    const before = fs.readFileSync(path.join(dir, '.git/index'));
    const status = git(dir, 'status', '--porcelain');
    tmtTree(dir);
    expect(fs.readFileSync(path.join(dir, '.git/index')).equals(before)).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe(status);
  });
});

describe('.tmtignore and the size cap', () => {
  it('.tmtignore leaves out tracked and untracked paths, and only those', () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'data/tracked.csv': 't\n' });
    writeFiles(dir, { '.tmtignore': 'data/\n*.pt\n', 'data/new.csv': 'n\n', 'model.pt': 'w\n', 'b.py': 'b\n' });
    const json = JSON.parse(tmt(dir, ['snapshot', '--json']).stdout);
    const names = git(dir, 'ls-tree', '-r', '--name-only', json.tree).split('\n');
    expect(names).toEqual(['.tmtignore', 'a.py', 'b.py']);
    expect(json.skipped.map((s: { path: string }) => s.path)).toEqual(['data/new.csv', 'data/tracked.csv', 'model.pt']);
    // The untracked ones were never hashed into the object store.
    expect(gitRaw(dir, ['cat-file', '-e', git(dir, 'hash-object', 'model.pt')]).status).not.toBe(0);
    expect(tmtTree(dir)).toBe(json.tree);
    fsck(dir);
  });

  it('a file over the cap is left out with a warning naming it, and never hashed', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    // Large enough that git could not finish hashing it before tmt stops the add.
    writeFiles(dir, { 'ckpt.bin': Buffer.alloc(64 * 1024 * 1024, 7), 'small.py': 's\n' });
    const r = tmt(dir, ['snapshot', '--max-file-size', '1M']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: left out ckpt\.bin from the snapshot: 67108864 bytes is over the 1M cap/m);
    expect(git(dir, 'ls-tree', '-r', '--name-only', r.stdout.trim())).toBe('a.py\nsmall.py');
    expect(gitRaw(dir, ['cat-file', '-e', git(dir, 'hash-object', 'ckpt.bin')]).status).not.toBe(0);
    // Without the cap it is included, and the result is git's.
    expect(tmtTree(dir, ['--max-file-size', '0'])).toBe(nativeTree(dir));
  });

  it('a tracked file that grows over the cap is left out too', () => {
    const dir = makeRepo({ 'w.bin': 'small\n', 'a.py': 'a\n' });
    writeFiles(dir, { 'w.bin': Buffer.alloc(2 * 1024 * 1024, 1) });
    const r = tmt(dir, ['snapshot', '--max-file-size', '1M', '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.skipped).toEqual([{ path: 'w.bin', reason: 'too-large', size: 2097152 }]);
    expect(git(dir, 'ls-tree', '-r', '--name-only', json.tree)).toBe('a.py');
  });
});

/** Waits past the racy-timestamp window, so git trusts stat data and stale cache entries would show. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1100));
}

describe('stat cache regressions (found in review)', () => {
  it('skip-worktree entries after a sparse checkout and a branch switch', async () => {
    const dir = makeRepo({ 'in/f': '1\n', 'out/g': '1\n' });
    git(dir, 'branch', 'old');
    writeFiles(dir, { 'out/g': '2\n' });
    git(dir, 'commit', '-qam', 'two');
    git(dir, 'sparse-checkout', 'set', 'in');
    writeFiles(dir, { 'in/new.txt': 'untracked\n' });
    expectSameAsGit(dir);
    await settle();
    git(dir, 'checkout', '-q', 'old');
    expectSameAsGit(dir);
  });

  it('config and attribute changes invalidate cached hashes', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    writeFiles(dir, { 's.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'w.txt': 'crlf\r\nline\r\n', 'x.dat': 'lower case\n' });
    expectSameAsGit(dir);
    await settle();
    git(dir, 'config', 'core.filemode', 'false');
    expectSameAsGit(dir);
    git(dir, 'config', 'core.autocrlf', 'true');
    expectSameAsGit(dir);
    git(dir, 'config', 'filter.up.clean', 'tr a-z A-Z');
    writeFiles(dir, { '.gitattributes': '*.dat filter=up\n' });
    expectSameAsGit(dir);
    writeFiles(dir, { 'sub/.gitattributes': '*.txt -text\n', 'sub/t.txt': 'x\r\n' });
    expectSameAsGit(dir);
  });

  it('a directory that becomes a nested repository, and back', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'sub/f': 'f\n' });
    expectSameAsGit(dir);
    await settle();
    git(path.join(dir, 'sub'), 'init', '-q');
    git(path.join(dir, 'sub'), 'add', '-A');
    git(path.join(dir, 'sub'), 'commit', '-qm', 'inner');
    expectSameAsGit(dir);
    fs.rmSync(path.join(dir, 'sub/.git'), { recursive: true });
    expectSameAsGit(dir);
    // A nested repository with nothing committed: git add -A refuses it, and so does tmt, in one line.
    git(path.join(dir, 'sub'), 'init', '-q');
    const r = tmt(dir, ['snapshot']);
    expect(r.code).toBe(6);
    expect(r.stderr).toBe('error: sub/ is a git repository with no commit checked out, so it cannot be recorded (git add -A refuses it too)\nhint: commit something in it, add it to .tmtignore, or remove sub/.git\n');
    writeFiles(dir, { '.tmtignore': 'sub/\n' });
    expect(tmt(dir, ['snapshot']).code).toBe(0);
  });

  it('a tracked, ignored, dangling symlink; a directory replaced by a symlink', async () => {
    const dir = makeRepo({ '.gitignore': 'link\n', 'a': 'a\n' });
    expectSameAsGit(dir);
    fs.symlinkSync('nowhere', path.join(dir, 'link'));
    git(dir, 'add', '-f', 'link');
    expectSameAsGit(dir);
    writeFiles(dir, { 'd/f': 'f\n', 't/x': 'x\n' });
    expectSameAsGit(dir);
    fs.rmSync(path.join(dir, 'd'), { recursive: true });
    fs.symlinkSync('t', path.join(dir, 'd'));
    expectSameAsGit(dir);
  });

  it('a split index', () => {
    const dir = makeRepo({ 'f1': '1\n' });
    git(dir, 'config', 'core.splitIndex', 'true');
    git(dir, 'update-index', '--split-index');
    writeFiles(dir, { 'secret': 's\n', 'u.txt': 'u\n' });
    git(dir, 'add', 'secret');
    expectSameAsGit(dir);
    writeFiles(dir, { '.tmtignore': 'secret\n' });
    const json = JSON.parse(tmt(dir, ['snapshot', '--json']).stdout);
    expect(json.skipped).toEqual([{ path: 'secret', reason: 'tmtignore' }]);
    expect(git(dir, 'ls-tree', '-r', '--name-only', json.tree)).toBe('.tmtignore\nf1\nu.txt');
    expect(tmt(dir, ['snapshot', '--json']).stdout).toContain(json.tree);
  });

  it('files kept out are never hashed, on any snapshot', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'big.bin': Buffer.alloc(3 * 1024 * 1024, 3), '.tmtignore': 'secret.env\n', 'secret.env': 'TOKEN=hunter2\n' });
    for (let i = 0; i < 3; i++) {
      const r = tmt(dir, ['snapshot', '--max-file-size', '1M', '--json']);
      expect(JSON.parse(r.stdout).skipped.map((x: { path: string }) => x.path)).toEqual(['big.bin', 'secret.env']);
      writeFiles(dir, { 'a.py': `a${i}\n` });
    }
    for (const f of ['big.bin', 'secret.env']) expect(gitRaw(dir, ['cat-file', '-e', git(dir, 'hash-object', f)]).status).not.toBe(0);
  });

  it('a truncated or garbage stat cache is rebuilt without complaint', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'u.py': 'u\n' });
    const expected = expectSameAsGit(dir);
    const cache = path.join(dir, '.git/tmt/index');
    fs.writeFileSync(cache, fs.readFileSync(cache).subarray(0, 100));
    let r = tmt(dir, ['snapshot']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(expected);
    fs.writeFileSync(cache, 'garbage');
    r = tmt(dir, ['snapshot']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(expected);
  });
});

