import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unsafeName } from '../dist/run/outputs/safe-names.js';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, gitRaw, tempDir } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { BIN, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

type Entry = [mode: string, name: string, oid: string];

/** A tree object written as given: git's own tools refuse names with "/", so `hash-object --literally` writes the raw entries. */
function rawTree(dir: string, entries: readonly Entry[]): string {
  const raw = Buffer.concat(entries.flatMap(([mode, name, oid]) => [Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]));
  return execFileSync('git', ['hash-object', '-t', 'tree', '-w', '--literally', '--stdin'], { cwd: dir, env: testEnv, input: raw }).toString().trim();
}

function blob(dir: string, content: string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env: testEnv, input: content }).toString().trim();
}

/** Every entry below `dir`, links shown as links (never followed). */
function entriesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((rel) => `${rel}${fs.lstatSync(path.join(dir, rel)).isSymbolicLink() ? ' -> link' : ''}`).sort();
}

/**
 * A run whose artifacts tree was crafted by hand, the way someone with push
 * access to a shared remote could: its outputs commit is swapped for one
 * whose tree holds `entries` under artifacts/, and its note follows.
 */
function craftRun(dir: string, id: string, entries: readonly Entry[]): void {
  const ref = `refs/tmt/runs/${id}`;
  const old = git(dir, 'rev-parse', ref);
  const note = git(dir, 'notes', '--ref=tmt', 'show', old) + '\n';
  const oldOutputs = note.match(/^outputs: ([0-9a-f]{40})$/m)![1]!;
  const kept = git(dir, 'ls-tree', oldOutputs).split('\n').map((l) => l.match(/^(\d+) \w+ ([0-9a-f]{40})\t(.*)$/)!).filter((m) => m[3] !== 'artifacts');
  // The outputs tree itself in git's order (artifacts, logs, metrics.jsonl): git's pathspec matching relies on it.
  const outputsTree = rawTree(dir, [['40000', 'artifacts', rawTree(dir, entries)], ...kept.map((m) => [m[1]!, m[3]!, m[2]!] as Entry)]);
  const outputs = git(dir, 'commit-tree', outputsTree, '-m', `tmt outputs ${id}`);
  const commit = git(dir, 'commit-tree', git(dir, 'rev-parse', `${old}^{tree}`), '-p', git(dir, 'rev-parse', `${old}^1`), '-p', outputs, '-m', `tmt run ${id}`);
  git(dir, 'update-ref', ref, commit, old);
  gitRaw(dir, ['notes', '--ref=tmt', 'remove', old]);
  git(dir, 'notes', '--ref=tmt', 'add', '-C', blob(dir, note.replace(oldOutputs, outputs)), commit);
}

describe('tmt get on a hostile run fetched from a remote', () => {
  it('writes nothing outside the target: "..", "../x", "a/../../x", absolute names, .git, links out and in, a submodule, names twice', async () => {
    const top = tempDir('tmt-hostile-get-'); // the target is top/out: nothing may appear in top but out
    const bare = bareRepo();
    const seed = projectWithRemote(bare);
    const rec = await tmtAsync(seed, ['record', '-q', '-n', 'evil', '--', 'sh', '-c', 'echo real > "$TMT_ARTIFACTS/real.txt"']);
    expect(rec.code, rec.stderr).toBe(0);
    const id = git(seed, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
    const evil = blob(seed, 'evil\n');
    const ok = blob(seed, 'ok\n');
    const script = blob(seed, '#!/bin/sh\necho hi\n');
    const outside = rawTree(seed, [['100644', 'escaped-dotdot-tree', evil]]);
    const entries: Entry[] = [
      ['100644', '..', evil],
      ['100644', '.', evil],
      ['40000', '..', outside],
      ['100644', '../escaped-slash', evil],
      ['100644', 'a/../../escaped-deep', evil],
      ['100644', `${top}/escaped-absolute`, evil],
      ['40000', '.git', rawTree(seed, [['40000', 'hooks', rawTree(seed, [['100755', 'post-checkout', script]])]])],
      ['40000', '.GIT', rawTree(seed, [['100644', 'config', evil]])],
      ['120000', 'link-out', blob(seed, '../escaped-link')],
      ['120000', 'link-abs', blob(seed, `${top}/escaped-link-abs`)],
      ['120000', 'link-in', blob(seed, 'ok.txt')],
      // A link, then a directory of the same name: had the link been written, the file would land in `top` through it.
      ['120000', 'through', blob(seed, top)],
      ['40000', 'through', rawTree(seed, [['100644', 'escaped-through-link', evil]])],
      ['160000', 'submodule', git(seed, 'rev-parse', 'HEAD')],
      ['100644', 'ok.txt', ok],
      ['100755', 'run.sh', script],
      ['100644', 'bell\u0007\u001b]0;title\u0007', ok],
      ['100644', 'dup', ok],
      ['100644', 'dup', evil],
      ['100644', 'clash', ok],
      ['40000', 'clash', outside],
      ['40000', 'nested', rawTree(seed, [['40000', 'deep', rawTree(seed, [['100644', 'f', ok]])]])],
      ['100644', 'real.txt', blob(seed, 'real\n')],
    ];
    craftRun(seed, id, entries);
    // Plain git pushes it (a bare repository does not fsck what it receives by default); a teammate fetches it with tmt.
    git(seed, 'push', '-q', '-f', 'origin', 'refs/tmt/runs/*:refs/tmt/runs/*', 'refs/notes/tmt:refs/notes/tmt');
    const clone = cloneOf(bare);
    const f = await tmtAsync(clone, ['fetch']);
    expect(f.code, f.stderr).toBe(0);

    const r = await tmtAsync(clone, ['get', id, '--all', '-o', path.join(top, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(entriesUnder(top)).toEqual(['out', 'out/bell\u0007\u001b]0;title\u0007', 'out/clash', 'out/dup', 'out/nested', 'out/nested/deep', 'out/nested/deep/f', 'out/ok.txt', 'out/real.txt', 'out/run.sh', 'out/through', 'out/through/escaped-through-link']);
    expect(fs.readFileSync(path.join(top, 'out/dup'), 'utf8')).toBe('ok\n'); // the first of the two
    expect(fs.statSync(path.join(top, 'out/run.sh')).mode & 0o111).not.toBe(0); // 100755 stays executable
    expect(fs.statSync(path.join(top, 'out/ok.txt')).mode & 0o111).toBe(0);
    // It says what it left out, and why; names from the run reach the terminal escaped.
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toEqual([
      'warning: left out ..: a ".." path component',
      'warning: left out .: a "." path component',
      'warning: left out ../escaped-dotdot-tree: a ".." path component',
      'warning: left out ../escaped-slash: a ".." path component',
      'warning: left out a/../../escaped-deep: a ".." path component',
      `warning: left out ${top}/escaped-absolute: an absolute path`,
      'warning: left out .git/hooks/post-checkout: a ".git" path component',
      'warning: left out .GIT/config: a ".git" path component',
      'warning: left out link-out: a symbolic link (tmt writes regular files only, and never a link that could point outside)',
      'warning: left out link-abs: a symbolic link (tmt writes regular files only, and never a link that could point outside)',
      'warning: left out link-in: a symbolic link (tmt writes regular files only, and never a link that could point outside)',
      'warning: left out through: a symbolic link (tmt writes regular files only, and never a link that could point outside)',
      'warning: left out submodule: a submodule commit, not a file',
      'warning: left out dup: another entry of the run has the same name, as a file or a directory',
      'warning: left out clash/escaped-dotdot-tree: another entry of the run has the same name, as a file or a directory',
    ]);
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toMatch(/^".*\/out\/bell\\007\\033]0;title\\007"$/m);

    // In the clone's own working tree (the default directory): nothing lands in .git.
    const inTree = await tmtAsync(clone, ['get', id, '--all']);
    expect(inTree.code, inTree.stderr).toBe(0);
    expect(fs.existsSync(path.join(clone, '.git/hooks/post-checkout'))).toBe(false);
    expect(fs.readFileSync(path.join(clone, '.git/config'), 'utf8')).not.toMatch(/evil/);
    expect(fs.readFileSync(path.join(clone, 'ok.txt'), 'utf8')).toBe('ok\n');

    // Named outright, a refused entry is an error, and nothing is written (not even to stdout).
    for (const name of ['../escaped-slash', 'link-out', 'submodule']) {
      const one = await tmtAsync(clone, ['get', id, name, '-o', '-']);
      expect(one.code, name).toBe(4);
      expect(one.stdout).toBe('');
      expect(one.stderr).toMatch(/^error: run [0-9a-z]{12} \(evil\): nothing that can be written; left out /);
    }
    expect(entriesUnder(top).filter((e) => !e.startsWith('out'))).toEqual([]);
  });

  it("never writes through a symbolic link the target directory already holds", async () => {
    const top = tempDir('tmt-hostile-get-');
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    const rec = await tmtAsync(dir, ['record', '-q', '--', 'sh', '-c', 'mkdir -p "$TMT_ARTIFACTS/nested" && echo x > "$TMT_ARTIFACTS/nested/f" && echo y > "$TMT_ARTIFACTS/top.txt"']);
    expect(rec.code, rec.stderr).toBe(0);
    fs.mkdirSync(path.join(top, 'elsewhere'));
    fs.mkdirSync(path.join(top, 'out'));
    fs.symlinkSync(path.join(top, 'elsewhere'), path.join(top, 'out', 'nested'));
    fs.symlinkSync(path.join(top, 'elsewhere', 'top.txt'), path.join(top, 'out', 'top.txt'));
    for (const force of [[], ['--force']]) {
      const r = await tmtAsync(dir, ['get', 'last', '--all', '-o', path.join(top, 'out'), ...force]);
      expect(r.code, r.stderr).toBe(8);
      expect(r.stderr).toMatch(/^error: refused: in .*\/out, nested is a symbolic link, which tmt does not write through$/m);
    }
    expect(fs.readdirSync(path.join(top, 'elsewhere'))).toEqual([]);
    // With the directory link out of the way, --force replaces the link to a file by the file itself (the file it pointed to is not written).
    fs.rmSync(path.join(top, 'out', 'nested'));
    const r = await tmtAsync(dir, ['get', 'last', '--all', '-o', path.join(top, 'out'), '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.lstatSync(path.join(top, 'out', 'top.txt')).isSymbolicLink()).toBe(false);
    expect(fs.readdirSync(path.join(top, 'elsewhere'))).toEqual([]);
  });

  it('-o - gives the bytes as stored into a pipe, and on a terminal spells control characters out', async () => {
    const dir = projectWithRemote(bareRepo());
    const rec = await tmtAsync(dir, ['record', '-q', '--', 'sh', '-c', `printf 'title\\033]0;pwned\\007 clear\\033[2J\\n' > "$TMT_ARTIFACTS/esc.txt"`]);
    expect(rec.code, rec.stderr).toBe(0);
    const piped = await tmtAsync(dir, ['get', 'last', 'esc.txt', '-o', '-']);
    expect(piped.stdout).toBe('title\u001b]0;pwned\u0007 clear\u001b[2J\n');
    // util-linux script gives the command a terminal of its own.
    const tty = spawnSync('script', ['-qec', `'${process.execPath}' '${BIN}' get last esc.txt -o -`, '/dev/null'], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout).toBe('title\\x1b]0;pwned\\x07 clear\\x1b[2J\r\n');
  });

  it('judges names by their parts: plain names pass, anything that could leave the directory or enter .git does not', () => {
    const ok = ['a', 'a b', 'a..b', '...', '.gitignore', '.git-x', 'x.git', 'dir/file', 'tab\tname', 'new\nline', 'é', '-rf'];
    for (const name of ok) expect(unsafeName(Buffer.from(name)), name).toBeUndefined();
    const bad: Record<string, string> = {
      '': 'an empty name',
      '..': 'a ".." path component',
      '.': 'a "." path component',
      '../x': 'a ".." path component',
      'a/../../x': 'a ".." path component',
      'a/./b': 'a "." path component',
      '/etc/passwd': 'an absolute path',
      'a//b': 'an empty path component ("//" or a trailing "/")',
      'a/': 'an empty path component ("//" or a trailing "/")',
      '.git/hooks/pre-commit': 'a ".git" path component',
      'sub/.GIT/config': 'a ".git" path component',
      '.git./x': 'a ".git" path component',
      '.git /x': 'a ".git" path component',
    };
    for (const [name, reason] of Object.entries(bad)) expect(unsafeName(Buffer.from(name)), name).toBe(reason);
  });
});
