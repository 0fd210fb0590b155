/**
 * `tmt apply`: a run's code into the working tree, and `--undo`/`--redo`,
 * checked with native git and with a byte-level picture of everything on
 * disk (treeState: every file, ignored ones included, with its mode and
 * hash, every symlink and directory). The promise under test: whatever apply
 * changes, undo puts back exactly, and what no snapshot holds is never
 * touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, nativeTree, tempDir, writeFiles, type FileSpec } from './helpers/git.js';
import { headAndIndex, nestedRepo, ok, oneLineError, savedRefs, statusOf, treeState, writeRel } from './helpers/tree-state.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);


/** Records the working tree as it is as a run (tmt save); returns its id and tree. */
function saveRun(dir: string, name: string): { id: string; tree: string } {
  const id = ok(dir, ['save', '-n', name]).trim();
  return { id, tree: git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`) };
}

/** Back to the commit: tracked files as committed, untracked ones gone (ignored ones stay). */
function resetHard(dir: string): void {
  git(dir, 'reset', '-q', '--hard');
  git(dir, 'clean', '-q', '-fd');
}

/** Makes the working tree hold a run's files (on top of the commit), saves it, and goes back. */
function runWith(dir: string, name: string, files: Record<string, FileSpec>, remove: string[] = []): { id: string; tree: string } {
  resetHard(dir);
  for (const p of remove) fs.rmSync(path.join(dir, p), { recursive: true, force: true });
  writeFiles(dir, files);
  const run = saveRun(dir, name);
  resetHard(dir);
  return run;
}

/** A project, a run that changes it in every way there is, and a working tree dirty in every way there is. */
function scenario(): { dir: string; run: { id: string; tree: string } } {
  const dir = makeRepo({
    '.gitignore': 'data/\n*.ckpt\n__pycache__/\n',
    'train.py': 'lr = 0.1\n',
    'lib/util.py': 'def f():\n    pass\n',
    'run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
    link: { symlink: 'train.py' },
    clash: 'a file the run turns into a directory\n',
    'gone.txt': 'the run deletes this\n',
    'dir2file/a.py': 'a directory the run turns into a file\n',
  });
  const run = runWith(
    dir,
    'exp',
    {
      'train.py': 'lr = 0.01\n',
      'new.py': 'print("new")\n',
      'pkg/sub/mod.py': 'x = 1\n',
      'keep/x.py': 'into a directory that exists, empty, here\n',
      link: { symlink: 'lib/util.py' },
      'clash/inner.py': 'now a directory\n',
      dir2file: 'now a file\n',
      'run.sh': { content: '#!/bin/sh\necho run, not executable any more\n', mode: 0o644 },
    },
    ['clash', 'gone.txt', 'dir2file'],
  );
  // The researcher's own state: edits, deletions, new files, ignored data, odd modes.
  writeFiles(dir, {
    'train.py': 'lr = 0.5  # my edit\n',
    'notes.md': 'my notes\n',
    'scratch/a.txt': 'scratch\n',
    'data/big.bin': Buffer.alloc(4096, 7),
    'model.ckpt': 'weights\n',
    'lib/__pycache__/util.cpython-311.pyc': 'pyc',
    clash: 'my edit of the file the run turns into a directory\n',
    'dir2file/b.py': 'mine, untracked, in the directory the run turns into a file\n',
  });
  fs.rmSync(path.join(dir, 'lib/util.py'));
  fs.rmSync(path.join(dir, 'link'));
  fs.symlinkSync('nowhere', path.join(dir, 'link'));
  fs.chmodSync(path.join(dir, 'run.sh'), 0o700);
  writeRel(dir, 'secret.env', 'TOKEN=x\n', 0o600);
  fs.mkdirSync(path.join(dir, 'keep'));
  fs.mkdirSync(path.join(dir, 'empty'));
  return { dir, run };
}

describe('tmt apply and --undo', () => {
  it('apply on a dirty tree gives exactly the run tree; --undo leaves every file and git status exactly as before', () => {
    const { dir, run } = scenario();
    const before = treeState(dir);
    const status = statusOf(dir);
    const head = headAndIndex(dir);
    const snapshotBefore = nativeTree(dir);

    const out = ok(dir, ['apply', 'exp']);
    expect(out).toMatch(/^applied run \w{12} \(exp\): \d+ files written, \d+ removed\n.*refs\/tmt-saved\/main\/applied\/1; tmt apply --undo puts it back\n$/s);
    // The working tree is the run's code, as git itself sees it.
    expect(nativeTree(dir)).toBe(run.tree);
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('lr = 0.01\n');
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('lib/util.py');
    expect(fs.statSync(path.join(dir, 'run.sh')).mode & 0o111).toBe(0);
    expect(fs.statSync(path.join(dir, 'clash')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(dir, 'dir2file')).isFile()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'notes.md'))).toBe(false);
    // Ignored files and directories, HEAD, the branch and the index: untouched.
    const after = treeState(dir);
    for (const p of ['data', 'data/big.bin', 'model.ckpt', 'lib/__pycache__/util.cpython-311.pyc', 'empty', 'keep']) expect(after[p], p).toBe(before[p]);
    expect(headAndIndex(dir)).toBe(head);
    // The save: the snapshot before, on HEAD, under tmt's private refs (never under refs/tmt/).
    expect(savedRefs(dir)).toEqual(['refs/tmt-saved/main/applied/1']);
    expect(git(dir, 'rev-parse', 'refs/tmt-saved/main/applied/1^{tree}')).toBe(snapshotBefore);
    expect(git(dir, 'rev-parse', 'refs/tmt-saved/main/applied/1^1')).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'log', '-1', '--format=%s', 'refs/tmt-saved/main/applied/1')).toBe(`tmt apply: the working tree before run ${run.id.slice(0, 12)} (exp) was applied`);
    expect(JSON.parse(ok(dir, ['list', '--json'])).runs).toHaveLength(1);

    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
    expect(statusOf(dir)).toBe(status);
    expect(headAndIndex(dir)).toBe(head);
    expect(savedRefs(dir)).toEqual(['refs/tmt-saved/main/undone/2']);
    fsck(dir);
  });

  it('--redo takes the undo back, and --undo again: each a full round trip', () => {
    const { dir } = scenario();
    const before = treeState(dir);
    ok(dir, ['apply', 'exp']);
    const applied = treeState(dir);
    ok(dir, ['apply', '--undo']);
    ok(dir, ['apply', '--redo']);
    expect(treeState(dir)).toEqual(applied);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
    expect(tmt(dir, ['apply', '--undo'])).toMatchObject({ code: 4, stderr: expect.stringMatching(/^error: nothing to undo/) });
    fsck(dir);
  });

  it('two applies take two undos, back to the tree before the first', () => {
    const dir = makeRepo({ 'train.py': 'v0\n', 'cfg/a.yaml': 'a: 0\n' });
    const a = runWith(dir, 'a', { 'train.py': 'va\n', 'a-only.py': 'a\n' });
    const b = runWith(dir, 'b', { 'train.py': 'vb\n', 'cfg/b.yaml': 'b: 1\n' }, ['cfg/a.yaml']);
    writeFiles(dir, { 'train.py': 'mine\n', 'mine.txt': 'untracked\n' });
    const original = treeState(dir);
    ok(dir, ['apply', 'a']);
    expect(nativeTree(dir)).toBe(a.tree);
    writeFiles(dir, { 'edit-after-a.txt': 'a change made on top of a\n' });
    const onA = treeState(dir);
    ok(dir, ['apply', 'b']);
    expect(nativeTree(dir)).toBe(b.tree);
    const list = ok(dir, ['apply', '--list']);
    expect(list).toMatch(/^SAVE +SAVED +HEAD +BEFORE\napplied\/1 .* run \w{12} \(a\) was applied\napplied\/2 .* run \w{12} \(b\) was applied\n$/);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(onA);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(original);
    const saves = JSON.parse(ok(dir, ['apply', '--list', '--json'])).saves;
    expect(saves.map((s: { stack: string; n: number; op: string }) => `${s.stack}/${s.n} ${s.op}`)).toEqual(['undone/3 undo', 'undone/4 undo']);
    fsck(dir);
  });

  it('refuses while the index has staged changes, and during a merge; nothing changes, nothing is saved', () => {
    const { dir } = scenario();
    git(dir, 'add', 'notes.md');
    const before = treeState(dir);
    const staged = tmt(dir, ['apply', 'exp']);
    expect(staged.code).toBe(8);
    expect(staged.stderr).toMatch(oneLineError);
    expect(staged.stderr).toContain('error: the index has staged changes (notes.md); nothing was changed');
    expect(staged.stderr).toContain('git restore --staged');
    expect(treeState(dir)).toEqual(before);
    expect(savedRefs(dir)).toEqual([]);

    const m = makeRepo({ 'train.py': 'v0\n' });
    runWith(m, 'r', { 'train.py': 'run\n' });
    git(m, 'checkout', '-q', '-b', 'other');
    writeFiles(m, { 'train.py': 'other\n' });
    git(m, 'commit', '-qam', 'other');
    git(m, 'checkout', '-q', 'main');
    writeFiles(m, { 'train.py': 'main\n' });
    git(m, 'commit', '-qam', 'main');
    expect(gitRaw(m, ['merge', 'other']).status).not.toBe(0); // a conflict: MERGE_HEAD, unmerged entries
    const inMerge = treeState(m);
    const r = tmt(m, ['apply', 'r']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/^error: a merge is in progress in this working tree; nothing was changed\nhint: finish it/);
    expect(tmt(m, ['apply', '--undo']).code).toBe(4); // nothing to undo comes first: it changes nothing either
    expect(treeState(m)).toEqual(inMerge);
    expect(savedRefs(m)).toEqual([]);
  });

  it('an ignored file in the way is never overwritten or removed: refused, naming it, nothing changed', () => {
    const dir = makeRepo({ 'train.py': 'v0\n' });
    runWith(dir, 'weights', { 'weights.bin': 'the run had these weights\n', cache: 'the run has a file here\n' });
    fs.appendFileSync(path.join(dir, '.git/info/exclude'), 'weights.bin\n*.pyc\n');
    writeFiles(dir, { 'weights.bin': 'my own weights, ignored here\n', 'cache/a.py': 'untracked\n', 'cache/b.pyc': 'ignored\n' });
    const before = treeState(dir);
    const r = tmt(dir, ['apply', 'weights']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(oneLineError);
    expect(r.stderr).toMatch(/refusing to change the working tree: it would overwrite or remove 2 files that no snapshot can save \(ignored, in \.tmtignore or over the size cap\): (cache\/b\.pyc, weights\.bin|weights\.bin, cache\/b\.pyc); nothing was changed/);
    expect(tmt(dir, ['apply', 'weights', '--dry-run']).code).toBe(8);
    expect(treeState(dir)).toEqual(before);
    expect(savedRefs(dir)).toEqual([]);
    // An ignored file that already holds what the run has is no obstacle.
    writeFiles(dir, { 'weights.bin': 'the run had these weights\n' });
    fs.rmSync(path.join(dir, 'cache/b.pyc'));
    ok(dir, ['apply', 'weights']);
    expect(fs.readFileSync(path.join(dir, 'cache'), 'utf8')).toBe('the run has a file here\n');
  });

  it('never writes through an ignored symlink or over an ignored file where the run has a directory', () => {
    const dir = makeRepo({ 'train.py': 'v0\n' });
    runWith(dir, 'dirs', { 'data/readme.md': 'the run kept a readme in data/\n', 'out/log.txt': 'x\n' });
    const scratch = tempDir();
    fs.appendFileSync(path.join(dir, '.git/info/exclude'), 'data\nout\n');
    fs.symlinkSync(scratch, path.join(dir, 'data')); // data -> a big disk elsewhere
    writeFiles(dir, { out: 'an ignored file named like the run\'s directory\n' });
    const before = treeState(dir);
    const r = tmt(dir, ['apply', 'dirs']);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/no snapshot can save .*: (data, out|out, data); nothing was changed/);
    expect(treeState(dir)).toEqual(before);
    expect(fs.readdirSync(scratch)).toEqual([]);
  });

  it('a tmt checkout (a linked worktree) has its own stack of saves', () => {
    const dir = nestedRepo({ 'train.py': 'v0\n' });
    runWith(dir, 'a', { 'train.py': 'va\n' });
    runWith(dir, 'b', { 'train.py': 'vb\n' });
    const wt = ok(dir, ['checkout', 'a']).trim();
    writeFiles(wt, { 'train.py': 'edited in the checkout\n' });
    const before = treeState(wt);
    ok(wt, ['apply', 'b']);
    expect(fs.readFileSync(path.join(wt, 'train.py'), 'utf8')).toBe('vb\n');
    expect(savedRefs(dir)).toEqual([`refs/tmt-saved/worktrees/${path.basename(wt)}/applied/1`]);
    expect(tmt(dir, ['apply', '--undo']).code).toBe(4); // the main working tree has nothing to undo
    ok(wt, ['apply', '--undo']);
    expect(treeState(wt)).toEqual(before);
  });

  it('submodules are left as they are', () => {
    const lib = makeRepo({ 'lib.py': 'v1\n' });
    const dir = makeRepo({ 'train.py': 'v0\n' });
    git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'sub');
    git(dir, 'commit', '-qm', 'sub');
    const run = runWith(dir, 'with-sub', { 'train.py': 'v1\n' });
    writeFiles(lib, { 'lib.py': 'v2\n' });
    git(lib, 'commit', '-qam', 'v2');
    const sub = path.join(dir, 'sub');
    git(sub, '-c', 'protocol.file.allow=always', 'pull', '-q', 'origin', 'main');
    const subHead = git(sub, 'rev-parse', 'HEAD');
    const before = treeState(dir);
    const r = tmt(dir, ['apply', 'with-sub']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('warning: submodules left as they are: sub\n');
    expect(git(sub, 'rev-parse', 'HEAD')).toBe(subHead);
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('v1\n');
    expect(git(dir, 'rev-parse', `refs/tmt/runs/${run.id}:sub`)).not.toBe(subHead);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
  });

  it("the run's files that are ignored here, and directories it made, go again with --undo", () => {
    const dir = makeRepo({ 'train.py': 'v0\n' });
    const run = runWith(dir, 'gen', { 'gen/deep/out.txt': 'generated\n', 'train.py': 'v1\n' });
    fs.appendFileSync(path.join(dir, '.git/info/exclude'), 'gen/\n');
    const before = treeState(dir);
    ok(dir, ['apply', 'gen']);
    expect(fs.readFileSync(path.join(dir, 'gen/deep/out.txt'), 'utf8')).toBe('generated\n');
    expect(git(dir, 'rev-parse', `refs/tmt-saved/main/applied/1^2:placed`)).toBe(run.tree);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
  });

  it('bytes a clean filter changes (autocrlf) and permission bits come back exactly', () => {
    const dir = makeRepo({ 'crlf.txt': 'one\ntwo\n', 'train.py': 'v0\n' });
    git(dir, 'config', 'core.autocrlf', 'input');
    runWith(dir, 'lf', { 'crlf.txt': 'one\ntwo\nthree\n' });
    writeRel(dir, 'crlf.txt', 'one\r\ntwo\r\n'); // the same blob as the commit's, to git
    writeRel(dir, 'win.txt', 'untracked\r\nwith CRLF\r\n', 0o640);
    const before = treeState(dir);
    const status = statusOf(dir);
    ok(dir, ['apply', 'lf']);
    expect(fs.readFileSync(path.join(dir, 'crlf.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(fs.existsSync(path.join(dir, 'win.txt'))).toBe(false);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
    expect(statusOf(dir)).toBe(status);
    expect(fs.readFileSync(path.join(dir, 'crlf.txt'), 'utf8')).toBe('one\r\ntwo\r\n');
    expect(fs.statSync(path.join(dir, 'win.txt')).mode & 0o777).toBe(0o640);
  });

  it('works before the first commit: the save has no parent but its sidecar', () => {
    const dir = makeRepo({ 'train.py': 'v0\n' }, { commit: false });
    const run = saveRun(dir, 'first');
    writeFiles(dir, { 'train.py': 'v1\n', 'more.py': 'x\n' });
    const before = treeState(dir);
    const status = statusOf(dir);
    ok(dir, ['apply', 'first']);
    expect(nativeTree(dir)).toBe(run.tree);
    expect(git(dir, 'rev-list', '--parents', '-1', 'refs/tmt-saved/main/applied/1').split(' ')).toHaveLength(2);
    ok(dir, ['apply', '--undo']);
    expect(treeState(dir)).toEqual(before);
    expect(statusOf(dir)).toBe(status);
    fsck(dir);
  });

  it('already the run: nothing changes and nothing is saved; --json says what happened', () => {
    const dir = makeRepo({ 'train.py': 'v0\n' });
    writeFiles(dir, { 'train.py': 'v1\n' });
    saveRun(dir, 'same');
    expect(ok(dir, ['apply', 'same'])).toMatch(/^the working tree already holds run \w{12} \(same\)'s code; nothing changed\n$/);
    expect(savedRefs(dir)).toEqual([]);
    resetHard(dir);
    const r = JSON.parse(ok(dir, ['apply', 'same', '--json']));
    expect(r).toMatchObject({ schemaVersion: 1, run: { name: 'same' }, written: ['train.py'], removed: [], dryRun: false, saved: { ref: 'refs/tmt-saved/main/applied/1', stack: 'applied', n: 1, op: 'apply' } });
    const u = JSON.parse(ok(dir, ['apply', '--undo', '--json']));
    expect(u).toMatchObject({ schemaVersion: 1, restored: { n: 1 }, saved: { ref: 'refs/tmt-saved/main/undone/2' }, written: ['train.py'], headMoved: false });
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('v0\n');
  });

  it('bad usage is exit 2', () => {
    const dir = makeRepo({ 'train.py': 'v0\n' });
    expect(tmt(dir, ['apply']).code).toBe(2);
    expect(tmt(dir, ['apply', 'last', '--undo']).code).toBe(2);
    expect(tmt(dir, ['apply', '--undo', '--redo']).code).toBe(2);
    expect(tmt(dir, ['apply', 'nope']).code).toBe(4);
  });
});
