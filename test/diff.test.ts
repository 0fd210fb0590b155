import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, gitRaw, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { recordRun } from './helpers/runs.js';
import { BIN, tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const oneLineError = /^error: [^\n]+\nhint: [^\n]+\n$/;

/** Both outputs as bytes: a diff of a Latin-1 file is not UTF-8. */
function bytes(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: { ...testEnv, ...env }, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
const tmtBytes = (cwd: string, args: string[]) => bytes(process.execPath, [BIN, ...args], cwd);
const gitBytes = (cwd: string, args: string[]) => bytes('git', args, cwd);

/** A run's snapshot tree and base commit, as plain git sees them. */
function treeOf(dir: string, id: string): string {
  return git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`);
}

/** Runs a command with a terminal (util-linux script), as a researcher's shell would. */
function onTty(cwd: string, command: string, env: Record<string, string | undefined> = {}): string {
  const r = spawnSync('script', ['-qefc', command, '/dev/null'], { cwd, env: { ...testEnv, TERM: 'xterm', ...env }, encoding: 'utf8', input: '' });
  return r.stdout.replace(/\r\n/g, '\n');
}

describe('tmt diff in the terminal: exactly what native git prints', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeAll(() => {
    dir = makeRepo({
      'train.py': 'import torch\nlr = 0.1\nprint(lr)\n',
      'old name.txt': 'a file that will be renamed\nwith enough lines\nto be found again\n',
      'gone.txt': 'deleted later\n',
      'run.sh': '#!/bin/sh\necho hi\n',
      'latin1.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'),
      'weights.bin': Buffer.from([0, 1, 2, 3, 255, 0, 7]),
      'sub/deep.py': 'x = 1\n',
      'link': { symlink: 'train.py' },
    });
    writeFiles(dir, { 'train.py': 'import torch\nlr = 0.01\nprint(lr)\n' }); // uncommitted: the run carries it
    a = recordRun(dir, { name: 'a' });
    fs.renameSync(path.join(dir, 'old name.txt'), path.join(dir, 'new "name".txt'));
    fs.rmSync(path.join(dir, 'gone.txt'));
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    fs.rmSync(path.join(dir, 'link'));
    writeFiles(dir, {
      'latin1.txt': Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1'),
      'weights.bin': Buffer.from([0, 1, 2, 4, 255, 0, 7, 9]),
      'sub/deep.py': 'x = 2\ny = 3\n',
      'données/é t.py': 'print("unicode path")\n',
      'link': 'now a regular file\n',
    });
    b = recordRun(dir, { name: 'b' });
  });

  it('the patch is byte-identical to git diff -M between the two snapshot trees', () => {
    const ours = tmtBytes(dir, ['diff', 'a', 'b']);
    const native = gitBytes(dir, ['diff', '-M', treeOf(dir, a), treeOf(dir, b)]);
    expect(ours.code).toBe(0);
    expect(ours.stderr).toBe('');
    expect(native.stdout.length).toBeGreaterThan(500);
    expect(ours.stdout.equals(native.stdout)).toBe(true);
    // The hard cases are really in it: rename, deletion, mode change, binary, type change, non-UTF-8, new unicode path.
    const text = ours.stdout.toString('latin1');
    for (const needle of ['rename from old name.txt', 'deleted file mode 100644', 'old mode 100644\nnew mode 100755', 'Binary files a/weights.bin and b/weights.bin differ', 'deleted file mode 120000', '+caf\xe9 cr\xe8me br\xfbl\xe9e']) {
      expect(text).toContain(needle);
    }
  });

  it('--stat and --name-only match git too', () => {
    for (const flag of ['--stat', '--name-only']) {
      const ours = tmtBytes(dir, ['diff', 'a', 'b', flag]);
      expect(ours.code).toBe(0);
      expect(ours.stdout.toString()).toBe(gitBytes(dir, ['diff', '-M', flag, treeOf(dir, a), treeOf(dir, b)]).stdout.toString());
    }
    expect(tmt(dir, ['diff', 'a', 'b', '--name-only']).stdout).toContain('"donn\\303\\251es/\\303\\251 t.py"');
  });

  it('paths after -- are pathspecs relative to the working directory, as for git diff', () => {
    const fromRoot = tmtBytes(dir, ['diff', 'a', 'b', '--', 'sub', 'run.sh']);
    expect(fromRoot.stdout.toString()).toBe(gitBytes(dir, ['diff', '-M', treeOf(dir, a), treeOf(dir, b), '--', 'sub', 'run.sh']).stdout.toString());
    expect(fromRoot.stdout.toString()).toMatch(/^diff --git a\/run.sh b\/run.sh\n[\s\S]*diff --git a\/sub\/deep.py b\/sub\/deep.py\n/);
    const sub = path.join(dir, 'sub');
    const inSub = tmtBytes(sub, ['diff', 'a', 'b', '--', 'deep.py']);
    expect(inSub.stdout.toString()).toBe(gitBytes(sub, ['diff', '-M', treeOf(dir, a), treeOf(dir, b), '--', 'deep.py']).stdout.toString());
    expect(inSub.stdout.toString()).toContain('+y = 3');
  });

  it('one run is diffed against its base commit: the uncommitted changes it carried', () => {
    const ours = tmtBytes(dir, ['diff', 'a']);
    const native = gitBytes(dir, ['diff', '-M', git(dir, 'rev-parse', 'HEAD'), treeOf(dir, a)]);
    expect(ours.stdout.equals(native.stdout)).toBe(true);
    expect(ours.stdout.toString()).toContain('-lr = 0.1\n+lr = 0.01');
  });

  it('--json lists the files with git\'s statuses and line counts', () => {
    const r = tmt(dir, ['diff', 'a', 'b', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ schemaVersion: 1, from: { run: a, name: 'a', rev: treeOf(dir, a) }, to: { run: b, name: 'b' } });
    const by = Object.fromEntries(out.files.map((f: { path: string }) => [f.path, f]));
    expect(by['new "name".txt']).toMatchObject({ status: 'R', oldPath: 'old name.txt', similarity: 100, added: 0, deleted: 0 });
    expect(by['gone.txt']).toMatchObject({ status: 'D', deleted: 1 });
    expect(by['run.sh']).toMatchObject({ status: 'M', oldMode: '100644', newMode: '100755', added: 0 });
    expect(by['weights.bin']).toMatchObject({ status: 'M', added: null, deleted: null });
    expect(by['link']).toMatchObject({ status: 'T', oldMode: '120000', newMode: '100644' });
    expect(by['données/é t.py']).toMatchObject({ status: 'A', added: 1 });
    // Object ids are whole, as git stores them, not abbreviations that may turn ambiguous.
    for (const f of out.files) {
      expect(f.oldOid).toMatch(/^[0-9a-f]{40}$/);
      expect(f.newOid).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(by['sub/deep.py'].oldOid).toBe(git(dir, 'rev-parse', `${treeOf(dir, a)}:sub/deep.py`));
    expect(by['sub/deep.py'].newOid).toBe(git(dir, 'rev-parse', `${treeOf(dir, b)}:sub/deep.py`));
    expect(by['gone.txt'].newOid).toBe('0'.repeat(40));
  });

  it('pages through the user\'s pager on a terminal, with LESS=FRX, in colour', () => {
    const cmd = `${process.execPath} ${BIN} diff a b -- sub`;
    const noPager = `${process.execPath} ${BIN} diff --no-pager a b -- sub`;
    const paged = onTty(dir, cmd, { GIT_PAGER: `sh -c 'echo "LESS=$LESS"; sed "s/^/PAGED: /"'`, NO_COLOR: undefined, LESS: undefined });
    expect(paged).toMatch(/^LESS=FRX\n/);
    expect(paged).toMatch(/^PAGED: \x1b\[1mdiff --git a\/sub\/deep.py b\/sub\/deep.py\x1b\[m$/m);
    expect(paged).toContain('PAGED: \x1b[32m+\x1b[m\x1b[32mx = 2\x1b[m');
    // NO_COLOR turns colour off; --no-pager, pager.diff=false, and no terminal turn paging off.
    expect(onTty(dir, cmd, { GIT_PAGER: 'sed "s/^/PAGED: /"' })).toMatch(/^PAGED: diff --git a\/sub\/deep.py b\/sub\/deep.py$/m);
    expect(onTty(dir, noPager, { GIT_PAGER: 'sed "s/^/PAGED: /"' })).toMatch(/^diff --git/);
    expect(onTty(dir, `${cmd}`, { GIT_PAGER: 'sed "s/^/PAGED: /"', GIT_CONFIG_PARAMETERS: "'pager.diff'='false'" })).toMatch(/^diff --git/);
    expect(onTty(dir, `${cmd}`, { GIT_PAGER: undefined, PAGER: 'sed "s/^/VIA PAGER: /"' })).toMatch(/^VIA PAGER: diff --git/);
    const piped = tmt(dir, ['diff', 'a', 'b', '--', 'sub'], { GIT_PAGER: 'sed "s/^/PAGED: /"' });
    expect(piped.stdout).toMatch(/^diff --git/);
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('a reader that stops early (| head) ends a long diff quietly, exit 0', () => {
    const big = bigDiffRepo();
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${process.execPath} ${BIN} diff x y | head -c 10; echo " rc=$?"`], { cwd: big, env: testEnv, encoding: 'utf8' });
    expect(r.stdout).toBe('diff --git rc=0\n');
    expect(r.stderr).toBe('');
  });
});

let bigRepo: string | undefined;
/** Runs x and y whose diff (about 2 MB) is far more than a pipe holds, so git is still writing when a reader leaves. */
function bigDiffRepo(): string {
  if (bigRepo) return bigRepo;
  bigRepo = makeRepo({ 'data.csv': Array.from({ length: 100_000 }, (_, i) => `${i},a`).join('\n') });
  recordRun(bigRepo, { name: 'x' });
  writeFiles(bigRepo, { 'data.csv': Array.from({ length: 100_000 }, (_, i) => `${i},b`).join('\n') });
  recordRun(bigRepo, { name: 'y' });
  return bigRepo;
}

describe('tmt diff: a pager that quits before the diff is read', () => {
  /** `tmt diff x y` on a terminal (util-linux script) with GIT_PAGER; `stdin` is typed into the terminal. A hang fails at 20 s. */
  function pagedOnTty(pager: string, stdin = ''): { out: string; ms: number } {
    const started = Date.now();
    const r = spawnSync('script', ['-qefc', `${process.execPath} ${BIN} diff x y; echo "rc=$?"`, '/dev/null'], {
      cwd: bigDiffRepo(),
      env: { ...testEnv, TERM: 'xterm', GIT_PAGER: pager },
      encoding: 'utf8',
      input: stdin,
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect(r.error, 'tmt diff hung after its pager exited').toBeUndefined();
    return { out: r.stdout.replace(/\r\n/g, '\n'), ms: Date.now() - started };
  }

  it('a pager that exits at once, or after two lines, ends tmt diff at once, quietly, exit 0', () => {
    for (const pager of ['true', 'head -2', 'exit 3']) {
      for (let i = 0; i < 3; i++) {
        const { out, ms } = pagedOnTty(pager);
        expect(out).not.toMatch(/error/);
        expect(out).toMatch(/rc=0\n$/);
        expect(ms).toBeLessThan(10_000);
        if (pager === 'head -2') expect(out).toMatch(/^diff --git a\/data.csv b\/data.csv\nindex [0-9a-f]{7}\.\.[0-9a-f]{7} 100644\nrc=0\n$/);
      }
    }
  });

  it('Ctrl-C while the pager is open stops git; tmt waits for the pager, prints no error and exits 130', () => {
    // The pager ignores Ctrl-C (as less does), reads a little, and keeps git blocked on a full pipe until the key comes.
    // Marker files, not fixed sleeps, order the steps: a loaded machine may take seconds to start the pager, and
    // the terminal's input stays open until the shell has printed tmt's exit code (script ends when its input does).
    const marks = tempDir();
    const pager = `trap "" INT; touch ${marks}/paging; head -c 100 >/dev/null; sleep 1; echo pager-done`;
    const typist = `until [ -e ${marks}/paging ]; do sleep 0.05; done; printf '\\003'; until [ -e ${marks}/done ]; do sleep 0.05; done`;
    // The terminal's shell is in the foreground group too, and gets the Ctrl-C as well: dash (sh) would die of it
    // before printing tmt's exit code. A trap (not an ignore) keeps it alive, and exec resets it for tmt and git.
    const inner = `trap : INT; ${process.execPath} ${BIN} diff x y; echo "rc=$?"; touch ${marks}/done`;
    const r = spawnSync('bash', ['-c', `(${typist}) | script -qefc '${inner}' /dev/null`], {
      cwd: bigDiffRepo(),
      env: { ...testEnv, TERM: 'xterm', GIT_PAGER: pager },
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect(r.error).toBeUndefined();
    const out = r.stdout.replace(/\r\n/g, '\n');
    expect(out).toMatch(/pager-done\nrc=130\n$/);
    expect(out).not.toMatch(/error/);
  });
});

describe('tmt diff: a run recorded in an empty repository', () => {
  it('is diffed against the empty tree', () => {
    const dir = makeRepo({ 'first.py': 'print("first")\n' }, { commit: false });
    const id = recordRun(dir, { name: 'first' });
    const ours = tmtBytes(dir, ['diff', 'first']);
    expect(ours.code).toBe(0);
    expect(ours.stdout.equals(gitBytes(dir, ['diff', '-M', EMPTY_TREE, treeOf(dir, id)]).stdout)).toBe(true);
    expect(ours.stdout.toString()).toContain('new file mode 100644');
  });
});

describe('tmt diff: bad input', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeAll(() => {
    dir = makeRepo({ 'train.py': 'v1\n' });
    a = recordRun(dir, { name: 'same' });
    writeFiles(dir, { 'train.py': 'v2\n', 'only-in-b.py': 'unique content of run b\n' });
    b = recordRun(dir, { name: 'other', metrics: [{ step: 0, loss: 0.25 }, { step: 1, loss: 0.125 }] });
  });

  it('two selectors that name the same run: one line, exit 2', () => {
    for (const args of [['same', 'same'], ['last', b.slice(0, 10)], ['same~0', a]]) {
      const r = tmt(dir, ['diff', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(oneLineError);
      expect(r.stderr).toMatch(/name the same run, 01\w{10}/);
      expect(r.stderr).toMatch(/^hint: .*or give one run to diff it against its base commit$/m);
    }
  });

  it('three runs, no run, an unknown run, or two views at once are refused with a hint', () => {
    expect(tmt(dir, ['diff', 'same', 'other', 'last~1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/takes one or two runs[\s\S]*hint: tmt compare/) });
    expect(tmt(dir, ['diff'])).toMatchObject({ code: 2, stderr: expect.stringMatching(oneLineError) });
    expect(tmt(dir, ['diff', 'nope'])).toMatchObject({ code: 4, stderr: expect.stringMatching(/no run matches "nope"/) });
    expect(tmt(dir, ['diff', 'same', 'other', '--stat', '--html'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--stat and --html cannot be combined/) });
  });

  it('a run whose snapshot objects are missing: the error names the run and suggests tmt pull', () => {
    const copy = tempDir();
    fs.cpSync(dir, copy, { recursive: true });
    const blob = git(copy, 'rev-parse', `refs/tmt/runs/${b}:only-in-b.py`);
    fs.rmSync(path.join(copy, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    for (const args of [['diff', 'same', 'other'], ['diff', 'other'], ['diff', 'same', 'other', '--html', '--no-open'], ['diff', 'same', 'other', '--json']]) {
      const r = tmt(copy, args);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(oneLineError);
      expect(r.stderr).toContain(`error: run ${b.slice(0, 12)} (other): its snapshot is not complete in this repository (object ${blob.slice(0, 12)} is missing)`);
      expect(r.stderr).toContain('tmt pull');
    }
    // The other run is whole and still diffs against its base.
    expect(tmt(copy, ['diff', 'same']).code).toBe(0);
  });

  it("a run whose outputs are missing: the page leaves its curves out, says so, and still shows the code", () => {
    const copy = tempDir();
    fs.cpSync(dir, copy, { recursive: true });
    const blob = git(copy, 'rev-parse', `refs/tmt/runs/${b}^2:metrics.jsonl`);
    fs.rmSync(path.join(copy, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const file = path.join(tempDir(), 'p.html');
    const r = tmt(copy, ['diff', 'same', 'other', '-o', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: run ${b.slice(0, 12)} (other): its outputs (metrics, artifacts) are not complete in this repository, so its curves and artifacts are left out; fetch them with tmt pull\n`);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('only-in-b.py');
    expect(html).toContain('its outputs (metrics, artifacts) are not complete');
  });

  it('after a partial fetch (--filter=blob:none) whose promisor is gone, the error names the run', () => {
    const clone = tempDir();
    git(dir, 'config', 'uploadpack.allowFilter', 'true');
    git(clone, 'clone', '-q', '--filter=blob:none', '--no-local', `file://${dir}`, 'c');
    const c = path.join(clone, 'c');
    git(c, 'fetch', '-q', 'origin', 'refs/tmt/*:refs/tmt/*'); // filtered: the snapshots' own blobs stay behind
    git(c, 'fetch', '-q', `file://${dir}`, 'refs/notes/tmt:refs/notes/tmt'); // by URL, unfiltered: the metadata is here
    git(c, 'remote', 'set-url', 'origin', path.join(clone, 'gone'));
    const r = tmt(c, ['diff', 'same', 'other']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(oneLineError);
    expect(r.stderr).toMatch(/^error: run 01\w{10} \((same|other)\): its snapshot is not complete in this repository \(object [0-9a-f]{12} is missing\)$/m);
    expect(r.stderr).toMatch(/^hint: .*tmt pull/m);
    expect(gitRaw(c, ['cat-file', '-e', git(dir, 'rev-parse', `refs/tmt/runs/${b}:only-in-b.py`)]).status).not.toBe(0);
  });
});
