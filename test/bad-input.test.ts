import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, makeRepo, writeFiles } from './helpers/git.js';
import { BIN, tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

/** A background shell loop, stopped by the returned function. */
function background(cwd: string, script: string): () => Promise<void> {
  const child = spawn('bash', ['-c', script], { cwd, env: testEnv, stdio: 'ignore', detached: true });
  return () =>
    new Promise((resolve) => {
      child.on('close', () => resolve());
      process.kill(-child.pid!, 'SIGKILL');
    });
}

const oneLineError = /^error: [^\n]+\n(hint: [^\n]+\n)?$/;

describe('the working tree changing under a snapshot', () => {
  // Editors and training scripts replace files by rename; git then reads either version whole.
  it('a file replaced during snapshots ends up as one of its versions, never torn', async () => {
    const dir = makeRepo({ 'a.py': 'a\n', 'hot.txt': 'A'.repeat(100_000) });
    const stop = background(dir, 'while true; do for c in A B; do head -c 100000 /dev/zero | tr "\\0" $c > .hot.tmp && mv .hot.tmp hot.txt; done; done');
    const blobs = new Set<string>();
    try {
      for (let i = 0; i < 8; i++) {
        const r = await tmtAsync(dir, ['snapshot']);
        // The writer's own temp file is rewritten all the time: left out with a warning, never recorded torn.
        for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^warning: left out \.hot\.tmp from the snapshot: it changed each of the 3 times it was read/);
        expect(r.code).toBe(0);
        blobs.add(git(dir, 'rev-parse', `${r.stdout.trim()}:hot.txt`));
      }
    } finally {
      await stop();
    }
    const allowed = new Set(['A', 'B'].map((c) => spawnSync('git', ['hash-object', '--stdin'], { input: c.repeat(100_000), encoding: 'utf8' }).stdout.trim()));
    expect(allowed.size).toBe(2);
    for (const b of blobs) expect(allowed.has(b)).toBe(true);
    fsck(dir);
  });

  /** Eight snapshots while `churn` runs in the working tree: each succeeds or fails in one clear line, never exit 70. */
  async function snapshotsSurvive(churn: string): Promise<void> {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const stop = background(dir, churn);
    const results = [];
    try {
      for (let i = 0; i < 8; i++) results.push(await tmtAsync(dir, ['snapshot']));
    } finally {
      await stop();
    }
    for (const r of results) {
      if (r.code === 0) expect(r.stdout.trim()).toMatch(/^[0-9a-f]{40}$/);
      else expect(r.stderr).toMatch(oneLineError);
      expect(r.code).not.toBe(70);
    }
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(0);
    fsck(dir);
  }

  it('files appearing and disappearing mid-snapshot: success or one clear line, never a crash', async () => {
    await snapshotsSurvive('mkdir -p churn; i=0; while true; do i=$((i+1)); echo $i > churn/f$((i % 50)).txt; rm -f churn/f$(((i + 25) % 50)).txt; done');
  });

  it('a directory that becomes a file and back mid-snapshot: success or one clear line, never a crash', async () => {
    await snapshotsSurvive('while true; do rm -rf flip; mkdir flip; echo in > flip/x; echo y > flip/y; rm -rf flip; echo file > flip; done');
  });
});

describe('unreadable files', () => {
  it('a file the user cannot read gets a one-line error naming it, and no run is created', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'secret.txt': 'top secret\n' });
    fs.chmodSync(path.join(dir, 'secret.txt'), 0o000);
    // root reads anything: as root, drop the capabilities that bypass file modes.
    const asRoot = process.getuid?.() === 0;
    const caps = '-dac_override,-dac_read_search';
    const [cmd, args] = asRoot
      ? ['setpriv', [`--bounding-set=${caps}`, `--inh-caps=${caps}`, process.execPath, BIN, 'save', '-n', 'x']]
      : [process.execPath, [BIN, 'save', '-n', 'x']];
    const r = spawnSync(cmd, args, { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(r.stderr).toBe(
      'error: cannot read secret.txt: Permission denied\nhint: fix its permissions, or add it to .tmtignore to leave it out of snapshots\n',
    );
    expect(r.status).toBe(6);
    expect(git(dir, 'for-each-ref', 'refs/tmt', 'refs/notes')).toBe('');
    fs.writeFileSync(path.join(dir, '.tmtignore'), 'secret.txt\n');
    expect(tmt(dir, ['save', '-n', 'ok']).code).toBe(0);
  });
});

describe('killed writers', () => {
  it('kill -9 at random points leaves every run complete and nothing half-written', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'u.py': 'u\n' });
    for (let i = 0; i < 12; i++) {
      const child = spawn(process.execPath, [BIN, 'save', '-n', `k${i}`], { cwd: dir, env: testEnv, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, 40 + ((i * 37) % 200)));
      child.kill('SIGKILL');
      await closed;
    }
    // Locks a killed git left behind are reported, not waited on forever; clear them as the hint says.
    for (const lock of ['refs/notes/tmt.lock', 'packed-refs.lock']) fs.rmSync(path.join(dir, '.git', lock), { force: true });
    // Scratch refs of dead writers are pruned once they are old enough to be surely abandoned.
    const work = path.join(dir, '.git/refs/notes/tmt-work');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const f of fs.existsSync(work) ? fs.readdirSync(work) : []) fs.utimesSync(path.join(work, f), hourAgo, hourAgo);
    expect(tmt(dir, ['save', '-n', 'after']).code).toBe(0);
    const refs = git(dir, 'for-each-ref', '--format=%(objectname)', 'refs/tmt/runs/').split('\n');
    for (const c of refs) expect(git(dir, 'notes', '--ref=tmt', 'show', c)).toMatch(/^schemaVersion: 1$/m);
    expect(git(dir, 'for-each-ref', 'refs/notes/tmt-work/')).toBe('');
    fsck(dir);
  });
});
