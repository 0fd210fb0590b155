import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepo, readRuns } from '../src/index.js';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function runRefs(dir: string): Map<string, string> {
  const out = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3) %(objectname)', 'refs/tmt/runs/');
  return new Map(out ? out.split('\n').map((l) => l.split(' ') as [string, string]) : []);
}

function notesList(dir: string): Map<string, string> {
  const r = gitRaw(dir, ['notes', '--ref=tmt', 'list']);
  const out = r.stdout.trim();
  return new Map(out ? out.split('\n').map((l) => l.split(' ').reverse() as [string, string]) : []);
}

/** Every run ref has exactly one note whose id matches, and there are no strays. */
function expectConsistent(dir: string, expectedRuns: number): void {
  const refs = runRefs(dir);
  const notes = notesList(dir);
  expect(refs.size).toBe(expectedRuns);
  for (const [id, commit] of refs) {
    const note = git(dir, 'notes', '--ref=tmt', 'show', commit);
    expect(note).toContain(`id: ${id}`);
  }
  expect([...refs.values()].filter((c) => notes.has(c)).length).toBe(expectedRuns);
  expect(git(dir, 'for-each-ref', 'refs/notes/tmt-work/')).toBe('');
  fsck(dir);
}

describe('runs as refs, metadata as notes', () => {
  it('a saved run is a commit on refs/tmt/runs/<id> with HEAD as parent and a note git can show', () => {
    const dir = makeRepo({ 'train.py': 'print(1)\n' });
    writeFiles(dir, { 'train.py': 'print(2)\n' });
    const r = tmt(dir, ['save', '-n', 'baseline', '-p', 'lr=0.01', '-p', 'opt=adam', '-m', 'acc=0.91', '-t', 'seed']);
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-z]{26}$/);
    const ref = `refs/tmt/runs/${id}`;
    expect(git(dir, 'rev-parse', `${ref}^`)).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'diff', '--name-only', 'HEAD', ref)).toBe('train.py');
    const note = git(dir, 'notes', '--ref=tmt', 'show', ref);
    expect(note).toMatch(/^schemaVersion: 1$/m);
    expect(note).toMatch(/^name: baseline$/m);
    expect(note).toMatch(/^ {2}lr: 0\.01$/m);
    expect(note).toMatch(/^status: finished$/m);
    expect(note).toMatch(/^ {2}dirty: true$/m);
    // The note is on the notes ref, not on any branch; the user's branch is untouched.
    expect(git(dir, 'log', '--format=%s', 'main')).toBe('initial');
    fsck(dir);
  });

  it('stores the note byte for byte (no stripspace on blank lines or trailing spaces)', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const repo = await openRepo({ cwd: dir });
    const { saveRun } = await import('../src/index.js');
    const description = 'line one   \n\n\n\nline after three blank lines\n';
    const run = await saveRun({ repo, description });
    const runs = await readRuns(repo);
    expect(runs[0]!.meta!.description).toBe(description);
    expect(git(dir, 'notes', '--ref=tmt', 'show', run.commit)).toContain('line one   ');
  });

  it('in an empty repository the run commit has no parent', () => {
    const dir = makeRepo({ 'a.py': 'a\n' }, { commit: false });
    const id = tmt(dir, ['save']).stdout.trim();
    expect(gitRaw(dir, ['rev-parse', '-q', '--verify', `refs/tmt/runs/${id}^`]).status).not.toBe(0);
    expect(git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`)).not.toMatch(/base:/);
    fsck(dir);
  });
});

describe('notes written by git, fanned out', () => {
  function cloneFixture(): string {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'unborn');
    git(dir, 'fetch', '-q', path.join(FIXTURES, 'notes-fanout.bundle'), 'refs/*:refs/*');
    git(dir, 'checkout', '-q', 'main');
    return dir;
  }

  it('tmt reads every note from a fanned-out notes tree', async () => {
    const dir = cloneFixture();
    expect(git(dir, 'ls-tree', '--name-only', 'refs/notes/tmt').split('\n').every((n) => /^[0-9a-f]{2}$/.test(n))).toBe(true);
    const runs = await readRuns(await openRepo({ cwd: dir }));
    expect(runs).toHaveLength(300);
    expect(runs.every((r) => r.meta?.status === 'finished')).toBe(true);
    expect(runs[41]!.meta!.params).toEqual({ seed: 42 });
  });

  it('tmt writes into the fanned-out tree exactly as native git notes would', () => {
    const dir = cloneFixture();
    const before = git(dir, 'rev-parse', 'refs/notes/tmt');
    const id = tmt(dir, ['save', '-n', 'new']).stdout.trim();
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    const after = git(dir, 'rev-parse', 'refs/notes/tmt');
    expect(git(dir, 'rev-parse', `${after}^`)).toBe(before);
    expect(git(dir, 'ls-tree', '--name-only', after).split('\n').every((n) => /^[0-9a-f]{2}$/.test(n))).toBe(true);
    expect(git(dir, 'ls-tree', '-r', '--name-only', after)).toContain(`${commit.slice(0, 2)}/${commit.slice(2)}`);

    // Native git adding the same blob on the same base yields the same tree.
    const blob = git(dir, 'rev-parse', `${after}:${commit.slice(0, 2)}/${commit.slice(2)}`);
    git(dir, 'update-ref', 'refs/notes/oracle', before);
    git(dir, 'notes', '--ref=oracle', 'add', '-C', blob, commit);
    expect(git(dir, 'rev-parse', 'refs/notes/oracle^{tree}')).toBe(git(dir, 'rev-parse', `${after}^{tree}`));
    expectConsistent(dir, 301);
  });
});

describe('concurrent writers', () => {
  it('8 processes creating 25 runs each lose nothing', async () => {
    const dir = makeRepo({ 'train.py': 'x\n' });
    writeFiles(dir, { 'untracked.py': 'u\n' });
    const worker = async (w: number) => {
      const failures: string[] = [];
      for (let i = 0; i < 25; i++) {
        const r = await tmtAsync(dir, ['save', '-n', `w${w}-${i}`, '-p', `worker=${w}`]);
        if (r.code !== 0) failures.push(r.stderr);
      }
      return failures;
    };
    const failures = (await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)))).flat();
    expect(failures).toEqual([]);
    expectConsistent(dir, 200);
    const names = [...runRefs(dir).values()].map((c) => /^name: (.*)$/m.exec(git(dir, 'notes', '--ref=tmt', 'show', c))![1]);
    expect(new Set(names).size).toBe(200);
  }, 300_000);

  it('native git notes add running beside tmt loses neither side', async () => {
    const dir = makeRepo({ 'train.py': 'x\n' });
    const targets: string[] = [];
    for (let i = 0; i < 40; i++) {
      git(dir, 'commit', '-q', '--allow-empty', '-m', `c${i}`);
      targets.push(git(dir, 'rev-parse', 'HEAD'));
    }
    const script = targets.map((c, i) => `git notes --ref=tmt add -m "native ${i}" ${c}`).join('\n');
    const native = new Promise<number>((resolve) => {
      const child = spawn('bash', ['-c', script], { cwd: dir, env: liveEnv, stdio: 'ignore' });
      child.on('close', (code) => resolve(code ?? -1));
    });
    const tmtWorkers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; i < 10; i++) {
        const r = await tmtAsync(dir, ['save', '-n', `t${w}-${i}`]);
        expect(r.stderr).toBe('');
      }
    });
    const [nativeCode] = await Promise.all([native, ...tmtWorkers]);
    expect(nativeCode).toBe(0);
    // A native writer slower than tmt's own checks may still have dropped a note;
    // the next tmt command puts it back from tmt's journal.
    expect(tmt(dir, ['list', '--json']).code).toBe(0);
    const notes = notesList(dir);
    for (const [i, c] of targets.entries()) expect(git(dir, 'notes', '--ref=tmt', 'show', c)).toBe(`native ${i}`);
    const runs = runRefs(dir);
    expect(runs.size).toBe(30);
    for (const c of runs.values()) expect(notes.has(c)).toBe(true);
    fsck(dir);
  }, 300_000);
});

/** The test environment with the real clock: reflog times then say when a native writer was at work. */
const liveEnv = Object.fromEntries(Object.entries(testEnv).filter(([k]) => k !== 'GIT_COMMITTER_DATE' && k !== 'GIT_AUTHOR_DATE'));
const gitLive = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: liveEnv, encoding: 'utf8' }).trim();

describe('a native git notes writer that drops tmt\'s commit', () => {
  it('is repaired by the next tmt command from the journal, and a deliberate removal is not undone', () => {
    const dir = makeRepo({ 'train.py': 'x\n' });
    const other = git(dir, 'rev-parse', 'HEAD');
    gitLive(dir, 'notes', '--ref=tmt', 'add', '-m', 'native first', other); // a native writer, seen in the reflog
    const before = git(dir, 'rev-parse', 'refs/notes/tmt');
    expect(tmt(dir, ['save', '-n', 'kept']).code).toBe(0);
    const run = [...runRefs(dir).values()][0]!;
    expect(fs.existsSync(path.join(dir, '.git/tmt/notes-journal'))).toBe(true);

    // A blind writer that read the notes before tmt's save and writes after it.
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'x');
    const late = git(dir, 'rev-parse', 'HEAD');
    const blind = git(dir, 'commit-tree', '-p', before, '-m', 'Notes added by \'git notes add\'', git(dir, 'rev-parse', `${before}^{tree}`));
    gitLive(dir, 'update-ref', 'refs/notes/tmt', blind);
    gitLive(dir, 'notes', '--ref=tmt', 'add', '-m', 'native late', late);
    expect(notesList(dir).has(run)).toBe(false); // tmt's note is gone...

    const r = tmt(dir, ['list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs.map((x: any) => x.name)).toEqual(['kept']); // ...and back
    expect(git(dir, 'notes', '--ref=tmt', 'show', run)).toMatch(/^name: kept$/m);
    expect(git(dir, 'notes', '--ref=tmt', 'show', late)).toBe('native late');
    expect(git(dir, 'notes', '--ref=tmt', 'show', other)).toBe('native first');

    // Removed on purpose, by someone who saw it: it stays removed.
    git(dir, 'notes', '--ref=tmt', 'remove', run);
    expect(tmt(dir, ['list', '--json']).code).toBe(0);
    expect(notesList(dir).has(run)).toBe(false);
    expect(fs.existsSync(path.join(dir, '.git/tmt/notes-journal'))).toBe(false); // everything settled
    fsck(dir);
  });
});

describe('locks and bad input', () => {
  it('a stale notes lock gets a one-line error saying how to clear it, and writes nothing', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save']);
    const lock = path.join(dir, '.git/refs/notes/tmt.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const started = Date.now();
    const r = tmt(dir, ['save', '-n', 'blocked']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: refs\/notes\/tmt is locked by .*tmt\.lock \(\d+s old\)$/m);
    expect(r.stderr).toMatch(/^hint: .*rm '.*tmt\.lock'$/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    fs.rmSync(lock);
    expectConsistent(dir, 1);
  });

  it('a lock held briefly by another process is waited out', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save']);
    const lock = path.join(dir, '.git/refs/notes/tmt.lock');
    fs.writeFileSync(lock, '');
    const pending = tmtAsync(dir, ['save', '-n', 'waited']);
    await new Promise((r) => setTimeout(r, 800));
    fs.rmSync(lock);
    const r = await pending;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectConsistent(dir, 2);
  });

  it('not a git repository', () => {
    const dir = tempDir();
    const r = tmt(dir, ['snapshot']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: not a git repository: ${dir}\nhint: run tmt inside a git working tree, or create one with \`git init\`\n`);
  });

  it('a bare repository', () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '--bare');
    const r = tmt(dir, ['save']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: .* is a bare repository; tmt needs a working tree to snapshot\nhint: clone it/);
  });

  it('a bad --max-file-size is a usage error', () => {
    const dir = makeRepo();
    const r = tmt(dir, ['snapshot', '--max-file-size', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --max-file-size: cannot read "lots" as a size\nhint: /);
  });
});

describe('edits of one run by several processes', () => {
  it('8 concurrent tmt log param --run on the same run: every param kept', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save', '-n', 'base']);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => tmtAsync(dir, ['log', 'param', `k${i}=${i}`, '--run', 'last'])));
    for (const r of results) expect(r.stderr).toBe('');
    const note = git(dir, 'notes', '--ref=tmt', 'show', 'refs/tmt/runs/' + git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/'));
    for (let i = 0; i < 8; i++) expect(note).toMatch(new RegExp(`^  k${i}: ${i}$`, 'm'));
    fsck(dir);
  }, 120_000);

  it('the dirty flag is about the code: a clean checkout with .tmtignore is not dirty', () => {
    const dir = makeRepo({ 'a.py': 'a\n', '.tmtignore': 'data/\n', 'data/x.csv': 'x\n' });
    tmt(dir, ['save']);
    const note = git(dir, 'notes', '--ref=tmt', 'show', 'refs/tmt/runs/' + git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/'));
    expect(note).toMatch(/^ {2}dirty: false$/m);
  });
});

