import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, writeFiles } from './helpers/git.js';
import { allRefs, bareRepo, cloneOf, remoteHost, configText, expectRunsWithNotes, notesOf, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { BIN, tmtAsync } from './helpers/tmt.js';
import { testEnv } from './helpers/env.js';
import { execSync, spawnSync } from 'node:child_process';

const host = remoteHost();
const newRemote = host.newRemote;
afterAll(cleanupTemp);

async function ok(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await tmtAsync(dir, args, env);
  expect(r.code, `tmt ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function listed(dir: string): Promise<Array<{ id: string; name?: string; tags: string[]; params: Record<string, unknown>; metrics: Record<string, number> }>> {
  return JSON.parse(await ok(dir, ['list', '--json'])).runs;
}

describe.each(['path', 'http'] as const)('sharing runs over %s', (kind) => {
  it('push sends every run and the notes, nothing else; writes no config', async () => {
    const { bare, url } = newRemote(kind);
    const dir = projectWithRemote(url);
    git(dir, 'tag', 'v1');
    git(dir, 'checkout', '-q', '-b', 'private');
    const ids = [await save(dir, '-n', 'a', '-m', 'acc=0.5'), await save(dir, '-n', 'b'), await save(dir, '-n', 'c', '-t', 'x')];
    const before = configText(dir);
    const remoteBefore = allRefs(bare);
    const served = host.server.requests;
    const r = await tmtAsync(dir, ['push']);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server's request lines arrive once the loop runs
    if (kind === 'http') expect(host.server.requests).toBeGreaterThan(served);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pushed 3 runs and notes to origin/);
    expectRunsWithNotes(bare, 3);
    expect([...runRefs(bare)]).toEqual([...runRefs(dir)]);
    // Only refs/tmt/runs/* and refs/notes/tmt: no branch, no tag, no scratch or tracking ref.
    const added = allRefs(bare).filter((l) => !remoteBefore.includes(l)).map((l) => l.split(' ')[0]);
    expect(added.sort()).toEqual(['refs/notes/tmt', ...ids.map((id) => `refs/tmt/runs/${id}`)].sort());
    expect(configText(dir)).toBe(before);
    expect(git(dir, 'rev-parse', 'refs/notes/tmt-remotes/origin')).toBe(git(bare, 'rev-parse', 'refs/notes/tmt'));
    // Again: nothing to do, nothing changes.
    expect((await tmtAsync(dir, ['push'])).stderr).toMatch(/^nothing to push: origin is up to date$/m);
    fsck(dir);
  });

  it('push sends only the runs selected, by selector or by --where, with only their notes', async () => {
    const { bare, url } = newRemote(kind);
    const dir = projectWithRemote(url);
    const a = await save(dir, '-n', 'keep', '-m', 'acc=0.9');
    await save(dir, '-n', 'junk', '-m', 'acc=0.1');
    const c = await save(dir, '-n', 'other', '-m', 'acc=0.95');
    await ok(dir, ['push', 'origin', 'keep']);
    expectRunsWithNotes(bare, 1);
    expect(runRefs(bare).get(a)).toBe(runRefs(dir).get(a));
    await ok(dir, ['push', 'origin', '--where', 'metrics.acc > 0.5']);
    expectRunsWithNotes(bare, 2);
    expect([...runRefs(bare).keys()].sort()).toEqual([a, c].sort());
    // The junk run's metadata did not travel either.
    expect(git(bare, 'notes', '--ref=tmt', 'list')).not.toContain(runRefs(dir).get([...runRefs(dir).keys()].find((k) => k !== a && k !== c)!));
    // A later push of everything merges with what it pushed before.
    await ok(dir, ['push']);
    expectRunsWithNotes(bare, 3);
  });

  it('a fresh clone fetches, then lists, shows and diffs the runs with metrics and logs intact', async () => {
    const { url } = newRemote(kind);
    const dir = projectWithRemote(url, { 'train.py': 'lr = 0.1\n' });
    writeFiles(dir, { 'train.py': 'lr = 0.2\n', 'new.py': 'x = 1\n' });
    const rec = await tmtAsync(dir, ['record', '-n', 'rec', '-q', '--', 'sh', '-c', 'echo "hello out"; echo "oops" >&2; echo \'{"step":1,"loss":0.5}\' >> "$TMT_METRICS"; echo \'{"step":2,"loss":0.25}\' >> "$TMT_METRICS"; echo w > "$TMT_ARTIFACTS/model.bin"']);
    expect(rec.code, rec.stderr).toBe(0);
    await save(dir, '-n', 'saved', '-p', 'lr=0.2', '-m', 'acc=0.7');
    await ok(dir, ['push']);
    const mine = await listed(dir);

    const clone = cloneOf(url);
    const empty = await tmtAsync(clone, ['list']);
    expect(empty.stdout).toBe('no runs\n');
    expect(empty.stderr).toMatch(/^hint: .*tmt fetch\n$/);
    const f = await tmtAsync(clone, ['fetch']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stderr).toMatch(/2 new runs/);
    expect(await listed(clone)).toEqual(mine);
    const show = JSON.parse(await ok(clone, ['show', 'rec', '--json'])).run;
    expect(show.meta.metrics.loss).toMatchObject({ first: 0.5, last: 0.25, count: 2 });
    expect(show.logs.stdout.tail).toEqual(['hello out']);
    expect(show.logs.stderr.tail).toEqual(['oops']);
    expect(show.artifacts).toEqual([{ path: 'model.bin', size: 2 }]);
    expect(await ok(clone, ['show', 'rec', '--log', 'stdout'])).toBe('hello out\n');
    // Plain git sees the code the run carried.
    const id = show.id as string;
    expect(git(clone, 'diff', '--name-status', show.meta.git.base, `refs/tmt/runs/${id}`)).toBe('A\tnew.py\nM\ttrain.py');
    expect(git(clone, 'show', `refs/tmt/runs/${id}:train.py`)).toBe('lr = 0.2');
    // tmt diff in the clone: the same patch as git's, and the page with both runs' metrics.
    const base = show.meta.git.base as string;
    expect(await ok(clone, ['diff', 'rec'])).toBe(git(clone, 'diff', '-M', base, show.meta.git.tree) + '\n');
    expect(await ok(clone, ['diff', 'rec', 'saved', '--name-only'])).toBe('');
    const page = path.join(clone, '.git', 'page.html');
    await ok(clone, ['compare', 'rec', 'saved', '--html', '--no-open', '-o', page]);
    expect(fs.readFileSync(page, 'utf8')).toMatch(/"loss".*"acc"|"acc".*"loss"/s);
    expectRunsWithNotes(clone, 2);
    // Fetching again changes nothing.
    expect((await tmtAsync(clone, ['pull'])).stderr).toMatch(/up to date with origin \(2 runs there\)/);
  });

  it('the same run edited on two clones (rename here, tag and params there, metrics on both) merges without loss', async () => {
    const { bare, url } = newRemote(kind);
    const dir = projectWithRemote(url);
    const id = await save(dir, '-n', 'base', '-p', 'lr=0.1', '-t', 'orig');
    await ok(dir, ['push']);
    const one = cloneOf(url);
    const two = cloneOf(url);
    await ok(one, ['fetch']);
    await ok(two, ['fetch']);
    await ok(one, ['edit', id, '--name', 'renamed']);
    await ok(one, ['log', 'param', 'lr=0.5', '--run', id]);
    await ok(one, ['log', 'metric', 'loss=0.9', '--step', '1', '--run', id]);
    await ok(two, ['edit', id, '--tag', 'new-tag', '--untag', 'orig']);
    await ok(two, ['log', 'param', 'batch=64', '--run', id]);
    await ok(two, ['log', 'metric', 'loss=0.7', '--step', '2', '--run', id]);
    await ok(one, ['push']);
    const p2 = await tmtAsync(two, ['push']);
    expect(p2.code, p2.stderr).toBe(0);
    expect(p2.stderr).toMatch(/after merging what was there once/);
    await ok(one, ['fetch']);
    for (const dir2 of [one, two]) {
      const [run] = await listed(dir2);
      expect(run).toMatchObject({ id, name: 'renamed', tags: ['new-tag'], params: { lr: 0.5, batch: 64 }, metrics: { loss: 0.7 } });
      const show = JSON.parse(await ok(dir2, ['show', id, '--json'])).run;
      expect(show.meta.metrics.loss).toMatchObject({ first: 0.9, last: 0.7, count: 2 });
      expectRunsWithNotes(dir2, 1);
    }
    expect(git(one, 'rev-parse', 'refs/notes/tmt')).toBe(git(two, 'rev-parse', 'refs/notes/tmt'));
    expect(git(one, 'rev-parse', `refs/tmt/runs/${id}`)).toBe(git(bare, 'rev-parse', `refs/tmt/runs/${id}`));
    // The notes merge commit has both sides as parents, and both run versions stay reachable.
    expect(git(two, 'log', '--merges', '--format=%P', 'refs/notes/tmt').split('\n')[0]!.split(' ')).toHaveLength(2);
    expect(git(bare, 'rev-list', '--count', '--merges', `refs/tmt/runs/${id}`)).not.toBe('0');
    expectRunsWithNotes(bare, 1);
  });

  it('the first push from a clone that never fetched merges with the remote notes instead of replacing them', async () => {
    const { bare, url } = newRemote(kind);
    const dir = projectWithRemote(url);
    await save(dir, '-n', 'theirs-1');
    await save(dir, '-n', 'theirs-2');
    await ok(dir, ['push']);
    const fresh = cloneOf(url);
    await save(fresh, '-n', 'mine');
    expect(fs.existsSync(path.join(fresh, '.git/refs/notes/tmt-remotes'))).toBe(false);
    await ok(fresh, ['push']);
    expectRunsWithNotes(bare, 3);
    await ok(dir, ['fetch']);
    expect((await listed(dir)).map((r) => r.name).sort()).toEqual(['mine', 'theirs-1', 'theirs-2']);
  });

  it('list --remote shows what the remote has that is not here yet, with names from its notes', async () => {
    const { url } = newRemote(kind);
    const dir = projectWithRemote(url);
    await save(dir, '-n', 'first');
    await ok(dir, ['push']);
    const clone = cloneOf(url);
    await ok(clone, ['fetch']);
    const fresh = await save(dir, '-n', 'second', '-m', 'acc=1');
    await ok(dir, ['push']);
    const out = JSON.parse(await ok(clone, ['list', '--remote', 'origin', '--json']));
    expect(out).toMatchObject({ schemaVersion: 1, remote: 'origin', total: 2 });
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({ id: fresh, state: 'new', meta: { name: 'second', status: 'finished' } });
    expect(await ok(clone, ['list', '--remote', 'origin'])).toMatch(/second\s+finished.*new/);
    // Runs recorded moments apart share a long prefix: the table shows each with one of its own.
    const third = await save(dir, '-n', 'third');
    await ok(dir, ['push']);
    const table = (await ok(clone, ['list', '--remote', 'origin'])).trimEnd().split('\n');
    expect(await ok(clone, ['list', '--remote'])).toBe(table.join('\n') + '\n'); // no remote named: origin
    expect(table[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STARTED\s+REMOTE$/);
    const shown = table.slice(1).map((l) => l.split(/\s+/)[0]!);
    expect(shown).toHaveLength(2);
    expect(shown[0]).not.toBe(shown[1]);
    expect([fresh, third].every((id) => shown.some((p) => id.startsWith(p)))).toBe(true);
    // Nothing local changed: the run is not here until fetched.
    expect(await listed(clone)).toHaveLength(1);
    await ok(clone, ['fetch']);
    expect(await ok(clone, ['list', '--remote', 'origin'])).toMatch(/^nothing new on origin \(3 runs there, all here\)/);
  });

  it('rm deletes here (ref and note together); rm --remote deletes there too, with the notes updated', async () => {
    const { bare, url } = newRemote(kind);
    const dir = projectWithRemote(url);
    const [a, b, c] = [await save(dir, '-n', 'a'), await save(dir, '-n', 'b', '-m', 'acc=0'), await save(dir, '-n', 'c', '-m', 'acc=0')];
    await ok(dir, ['push']);
    const gone = await tmtAsync(dir, ['rm', a]);
    expect(gone.stdout).toMatch(new RegExp(`^deleted run ${a} \\(a\\); it was [0-9a-f]{40}$`, 'm'));
    expectRunsWithNotes(dir, 2);
    // The printed restore command brings the run back whole, note included; then it goes again.
    const restore = /^ {2}restore here: (.*)$/m.exec(gone.stdout)![1]!;
    execSync(restore, { cwd: dir, env: testEnv });
    expectRunsWithNotes(dir, 3);
    expect(JSON.parse((await ok(dir, ['show', a, '--json']))).run.meta.name).toBe('a');
    await ok(dir, ['rm', a]);
    expectRunsWithNotes(dir, 2);
    expectRunsWithNotes(bare, 3); // a local delete stays local
    const teammate = cloneOf(url);
    await ok(teammate, ['fetch']);
    const many = await tmtAsync(dir, ['rm', '--where', 'metrics.acc = 0']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/^error: refusing to delete 2 runs without --yes$/m);
    await ok(dir, ['rm', '--remote', 'origin', '--where', 'metrics.acc = 0', '--yes']);
    expect([...runRefs(bare).keys()]).toEqual([a]);
    expectRunsWithNotes(bare, 1);
    // The fetch rm --remote does first brought back `a`, which origin still has.
    expect([...runRefs(dir).keys()]).toEqual([a]);
    expect(runRefs(dir).has(b) || runRefs(dir).has(c)).toBe(false);
    expectRunsWithNotes(dir, 1);
    // A clone that still has them keeps them, and is told they are gone there.
    const told = await tmtAsync(teammate, ['fetch']);
    expect(told.code, told.stderr).toBe(0);
    expect(told.stderr).toMatch(new RegExp(`^warning: 2 runs were deleted on origin but are still here \\(tmt push would send them back\\): tmt rm (${b} ${c}|${c} ${b}) deletes them here too$`, 'm'));
    expectRunsWithNotes(teammate, 3);
  });
});

describe('progress on stderr', () => {
  it("git's meters on a terminal, plain lines otherwise, nothing with -q; stdout stays clean", async () => {
    const { url } = newRemote('path');
    const dir = projectWithRemote(url);
    await save(dir, '-n', 'a');
    const quiet = await tmtAsync(dir, ['push', '-q']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr + quiet.stdout).toBe('');
    await save(dir, '-n', 'b');
    const piped = await tmtAsync(dir, ['push']);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).toBe('tmt: pushing all runs to origin\npushed 1 run and notes to origin\n');
    await save(dir, '-n', 'c');
    // `script` gives tmt a terminal, as a researcher's shell would.
    const r = spawnSync('script', ['-qefc', `${process.execPath} ${BIN} push`, '/dev/null'], { cwd: dir, env: { ...testEnv, TERM: 'xterm' }, encoding: 'utf8', input: '' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Writing objects: 100% \(\d+\/\d+\)/);
    expect(r.stdout).toMatch(/pushed 1 run and notes to origin/);
    expect(r.stdout).not.toMatch(/\[new reference\]|refs\/tmt-remotes/);
  });
});

describe('remote setup', () => {
  it('adds fetch refspecs on request only, so plain git fetch downloads runs for tmt fetch to merge', async () => {
    const { bare } = { bare: bareRepo() };
    const dir = projectWithRemote(bare);
    await save(dir, '-n', 'x');
    await ok(dir, ['push']);
    const clone = cloneOf(bare);
    await ok(clone, ['remote', 'setup', 'origin']);
    expect(git(clone, 'config', '--get-all', 'remote.origin.fetch').split('\n')).toEqual([
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/notes/tmt:refs/notes/tmt-remotes/origin',
      '+refs/tmt/runs/*:refs/tmt-remotes/origin/runs/*',
    ]);
    expect(await ok(clone, ['remote', 'setup', 'origin'])).toMatch(/nothing to change/);
    git(clone, 'fetch', '-q', 'origin');
    expect(runRefs(clone).size).toBe(0); // local runs change only through tmt, never without their note
    await ok(clone, ['fetch']);
    expectRunsWithNotes(clone, 1);
    await ok(clone, ['remote', 'setup', 'origin', '--undo']);
    expect(git(clone, 'config', '--get-all', 'remote.origin.fetch')).toBe('+refs/heads/*:refs/remotes/origin/*');
  });
});

describe('notes in the remote history', () => {
  it('merged notes trees stay valid git notes trees readable by git, fanned out by git', async () => {
    const { bare, url } = newRemote('path');
    const dir = projectWithRemote(url);
    for (let i = 0; i < 3; i++) await save(dir, '-n', `x${i}`);
    await ok(dir, ['push']);
    const other = cloneOf(url);
    for (let i = 0; i < 3; i++) await save(other, '-n', `y${i}`);
    await ok(other, ['push']);
    await ok(dir, ['fetch']);
    expectRunsWithNotes(dir, 6);
    expectRunsWithNotes(bare, 6);
    // git's own notes code reads every note the merge wrote.
    for (const [, commit] of runRefs(dir)) expect(git(dir, 'notes', '--ref=tmt', 'show', commit)).toMatch(/^schemaVersion: 1$/m);
    expect(notesOf(dir)).toEqual(notesOf(bare));
  });
});
