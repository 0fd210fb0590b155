/**
 * Failures that must end well (issue 11, items 4-5): a full disk never makes
 * a run look killed or a command crash, and runs are only ever ended by the
 * repository that started them, without one bad run stopping the others.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { BIN, tmt } from './helpers/tmt.js';
import { testEnv } from './helpers/env.js';

afterAll(cleanupTemp);

/** A small tmpfs for a whole repository, or undefined (with a clear message) where mounting is not allowed. */
function smallDisk(size: string): string | undefined {
  const at = tempDir('tmt-disk-');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at]).status !== 0) {
    console.warn('skipping a disk-full check: cannot mount a tmpfs here (not root?)');
    return undefined;
  }
  return at;
}

/** A repository with one commit, made inside `parent`. */
function repoIn(parent: string): string {
  const dir = path.join(parent, 'repo');
  fs.mkdirSync(dir);
  git(dir, 'init', '-q');
  fs.writeFileSync(path.join(dir, 'a.py'), 'a\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'i');
  return dir;
}

function fill(dir: string): void {
  spawnSync('sh', ['-c', 'dd if=/dev/zero of=filler bs=64k 2>/dev/null; true'], { cwd: dir });
}

function leftovers(dir: string): string[] {
  return spawnSync('find', ['.', '-name', '*.tmp*'], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

function json(r: { stdout: string }) {
  return JSON.parse(r.stdout);
}

/** A run left `running` by a tmt killed with -9 (its command stopped too): stale here, with its run directory. */
async function staleRun(dir: string, name: string): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'record', '-n', name, '--', 'sleep', '30'], { cwd: dir, env: testEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve) => child.stderr.on('data', (b) => ((err += b), /recording run/.test(err) && resolve())));
  const id = /recording run (\w+)/.exec(err)![1]!;
  const pidFile = path.join(dir, '.git/tmt/runs', id, 'command.pid');
  // The file is there (space kept for it) before the pid is: wait for the pid itself.
  const pid = () => Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : '');
  for (let i = 0; i < 250 && !(pid() > 0); i++) await new Promise((r) => setTimeout(r, 20));
  const command = pid();
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  // Never kill(0): that is this process's own group.
  expect(Number.isInteger(command) && command > 0, `a pid in ${pidFile}`).toBe(true);
  process.kill(command, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  return id;
}

describe('a full disk', () => {
  it('list, show and recover work when the catalog cannot be written, and leave no temporary files', () => {
    const disk = smallDisk('3m');
    if (!disk) return;
    try {
      const dir = repoIn(disk);
      for (const n of ['r1', 'r2']) expect(tmt(dir, ['save', '-n', n, '-m', 'acc=0.5']).code).toBe(0);
      fs.rmSync(path.join(dir, '.git/tmt/catalog'), { recursive: true, force: true });
      fill(dir);
      for (const args of [['list', '--json'], ['show', 'r1'], ['recover'], ['best', '--metric', 'acc']]) {
        const r = tmt(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        expect(r.stderr, args.join(' ')).not.toMatch(/internal error|    at /);
      }
      expect(json(tmt(dir, ['list', '--json'])).runs.map((r: { name: string }) => r.name)).toEqual(['r2', 'r1']);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      spawnSync('umount', [disk]);
    }
  });

  it('a recorded command that fills the disk: one line and exit 6, then recover ends it failed with the reason', () => {
    const disk = smallDisk('3m');
    if (!disk) return;
    try {
      const dir = repoIn(disk);
      const r = tmt(dir, ['record', '-n', 'filler', '--', 'sh', '-c', 'dd if=/dev/zero of=big bs=64k 2>/dev/null; echo done; exit 0']);
      expect(r.code, r.stderr).toBe(6);
      // Whether capturing the command's output hit the full disk first depends on timing: then that is the reason kept.
      const said = /^error: run (\w+) could not be saved: no space left on the device( \(and it failed: capturing output failed: ENOSPC.*\))?$/m.exec(r.stderr);
      expect(said, r.stderr).not.toBeNull();
      const id = said![1]!;
      expect(r.stderr).toMatch(new RegExp(`^hint: free some space, then run tmt recover ${id}: it ends the run as failed`, 'm'));
      fs.rmSync(path.join(dir, 'big'));
      const rec = tmt(dir, ['recover', '--json']);
      expect(rec.code, rec.stderr).toBe(0);
      const reason = said![2] ? /^capturing output failed: ENOSPC/ : /^tmt could not save the run: no space left on the device$/;
      expect(json(rec).recovered).toMatchObject([{ id, status: 'failed', failure: expect.stringMatching(reason) }]);
      const shown = json(tmt(dir, ['show', id, '--json'])).run.meta;
      expect(shown).toMatchObject({ status: 'failed', exitCode: 0 });
      expect(leftovers(dir)).toEqual([]);
      expect(fs.existsSync(path.join(dir, '.git/tmt/runs', id))).toBe(false);
      fsck(dir);
    } finally {
      spawnSync('umount', [disk]);
    }
  });
});

describe('leftovers and runs from elsewhere', () => {
  it('recover removes the run directory a finished run left behind (tmt killed after publishing)', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'done']).stdout.trim();
    const left = path.join(dir, '.git/tmt/runs', id);
    fs.mkdirSync(path.join(left, 'artifacts'), { recursive: true });
    fs.writeFileSync(path.join(left, 'artifacts/model.bin'), Buffer.alloc(3 * 1024 * 1024));
    const r = tmt(dir, ['recover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^removed the run directories of 1 run that had already ended \(3\.0 MiB\)$/m);
    expect(fs.existsSync(left)).toBe(false);
    expect(json(tmt(dir, ['show', id, '--json'])).run.meta.status).toBe('finished');
  });

  it('a run that says it is running on this host but was not started in this repository is never ended here', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'fetched']).stdout.trim();
    // As a clone on the same machine would have pushed it: running, this host, a pid that is gone.
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    const note = git(dir, 'notes', '--ref=tmt', 'show', commit)
      .replace(/^status: finished$/m, 'status: running')
      .replace(/^ {2}hostname: .*$/m, `  hostname: ${os.hostname()}`)
      .replace(/^ {2}pid: .*$/m, '  pid: 999999')
      .replace(/^ended: .*\n/m, '')
      .replace(/^durationMs: .*\n/m, '');
    const file = path.join(tempDir(), 'note');
    fs.writeFileSync(file, note + '\n');
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-F', file, commit);
    expect(json(tmt(dir, ['list', '--json'])).runs[0].status).toBe('stale');
    const before = git(dir, 'notes', '--ref=tmt', 'show', commit);

    const all = tmt(dir, ['recover']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(new RegExp(`^warning: run ${id} left alone: it is stale here but was not started in this repository`, 'm'));
    const named = tmt(dir, ['recover', id]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(new RegExp(`^error: run ${id} was not started in this repository`, 'm'));
    expect(git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`)).toBe(before);
  });

  it('a stale run whose run directory was deleted here: refused, and recover --force ends it as killed (found in review)', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = await staleRun(dir, 'lost');
    fs.rmSync(path.join(dir, '.git/tmt'), { recursive: true, force: true });
    const refused = tmt(dir, ['recover', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`tmt recover --force ${id} ends it as killed`));
    const forced = tmt(dir, ['recover', '--force', id]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`^recovered run ${id} \\(lost\\) as killed; its run directory was gone: only the status changed$`, 'm'));
    expect(json(tmt(dir, ['show', id, '--json'])).run.meta.status).toBe('killed');
    fsck(dir);
  });

  it('one run that cannot be recovered never stops the others', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const good = await staleRun(dir, 'good');
    const done = tmt(dir, ['save', '-n', 'done']).stdout.trim();
    const r = tmt(dir, ['recover', done, good]);
    expect(r.code).toBe(2); // done is finished, not stale: named, so it is an error
    expect(r.stderr).toMatch(new RegExp(`^error: run ${done} is finished, not stale`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^recovered run ${good} \\(good\\) as killed`, 'm'));
    expect(json(tmt(dir, ['show', good, '--json'])).run.meta.status).toBe('killed');
    fsck(dir);
  });
});
