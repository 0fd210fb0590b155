/**
 * The run catalog (.git/tmt/catalog): updated incrementally from git, always
 * giving the same answers as a rebuild from scratch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepo } from '../src/index.js';
import { writeRunsBulk } from '../src/git/bulk.js';
import { serializeMeta } from '../src/run/note/metadata.js';
import { newRunId } from '../src/run/note/id.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, tempDir } from './helpers/git.js';
import { tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const catalogDir = (d: string) => path.join(d, '.git/tmt/catalog');
const state = (d: string) => JSON.parse(fs.readFileSync(path.join(catalogDir(d), 'current.json'), 'utf8'));
const runCommits = (d: string) => git(d, 'for-each-ref', '--format=%(objectname)', 'refs/tmt/runs/').split('\n').filter(Boolean);

/** `tmt list --json` with the catalog as it is, and again rebuilt from nothing: both must agree. */
function listBothWays(d: string, args: string[] = []): any {
  const incremental = tmt(d, ['list', '--json', ...args]);
  fs.rmSync(catalogDir(d), { recursive: true, force: true });
  const cold = tmt(d, ['list', '--json', ...args]);
  expect(incremental.stdout).toBe(cold.stdout);
  expect(incremental.stderr).toBe(cold.stderr);
  return json(incremental);
}

describe('the run catalog', () => {
  it('adds a new run as a one-run delta on the same base, and sees notes edited by git', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'one', '-m', 'acc=0.1']);
    expect(json(tmt(d, ['list', '--json'])).runs).toHaveLength(1);
    const first = state(d);
    expect(first.notesTip).toBe(git(d, 'rev-parse', 'refs/notes/tmt'));
    expect(first.delta).toEqual({});
    expect(fs.existsSync(path.join(catalogDir(d), first.base))).toBe(true);

    tmt(d, ['save', '-n', 'two', '-m', 'acc=0.2']);
    expect(json(tmt(d, ['list', '--json'])).runs.map((r: any) => r.name)).toEqual(['two', 'one']);
    const second = state(d);
    expect(second.base).toBe(first.base); // the base was not rewritten...
    expect(Object.keys(second.delta)).toHaveLength(1); // ...only the new run's note was read
    expect(second.delta[Object.keys(second.delta)[0]!].text).toMatch(/^name: two$/m);

    // A note edited with plain git is seen.
    const commit = runCommits(d)[0]!;
    const note = git(d, 'notes', '--ref=tmt', 'show', commit).replace('name: one', 'name: renamed');
    git(d, 'notes', '--ref=tmt', 'add', '-f', '-m', note, commit);
    expect(json(tmt(d, ['list', '--json'])).runs.map((r: any) => r.name)).toEqual(['two', 'renamed']);
    expect(json(tmt(d, ['show', 'renamed', '--json'])).run.meta.metrics.acc.last).toBe(0.1);
  });

  it('starts no git process to check refs that have not changed, and still sees every change', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'one', '-m', 'acc=0.1']);
    tmt(d, ['save', '-n', 'two', '-m', 'acc=0.2']);
    // Ref files written seconds ago: old enough to be trusted by their stat data.
    const age = (Date.now() - 10_000) / 1000;
    const backdate = (p: string): void => {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) {
        const f = path.join(p, e.name);
        if (e.isDirectory()) backdate(f);
        else fs.utimesSync(f, age, age);
      }
    };
    backdate(path.join(d, '.git/refs'));
    const first = tmt(d, ['list', '--json']);
    expect(state(d).fingerprint).toMatch(/^[0-9a-f]{40}$/);

    const trace = path.join(d, '.git/trace');
    const again = tmt(d, ['list', '--json'], { GIT_TRACE: trace });
    expect(again.stdout).toBe(first.stdout);
    const commands = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes('trace: built-in: git'));
    expect(commands.map((l) => l.replace(/.*built-in: git /, '').split(' ')[0])).toEqual(['rev-parse']); // openRepo only

    // Any change to the refs, by any writer, is seen.
    const commit = runCommits(d)[1]!;
    git(d, 'notes', '--ref=tmt', 'add', '-f', '-m', git(d, 'notes', '--ref=tmt', 'show', commit).replace('name: two', 'name: three'), commit);
    expect(json(tmt(d, ['list', '--json'])).runs.map((r: any) => r.name)).toEqual(['three', 'one']);
    git(d, 'update-ref', '-d', `refs/tmt/runs/${json(tmt(d, ['list', '--json'])).runs[1].id}`);
    expect(json(tmt(d, ['list', '--json'])).runs.map((r: any) => r.name)).toEqual(['three']);
  });

  it('is rebuilt without complaint when its files are truncated, garbage or from another version', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'one', '-m', 'acc=0.1']);
    tmt(d, ['save', '-n', 'two', '-m', 'acc=0.2']);
    const expected = json(tmt(d, ['list', '--json']));
    const current = path.join(catalogDir(d), 'current.json');
    const damage: Array<[string, () => void]> = [
      ['truncated state', () => fs.writeFileSync(current, fs.readFileSync(current, 'utf8').slice(0, 30))],
      ['older version', () => fs.writeFileSync(current, JSON.stringify({ ...state(d), version: 0 }))],
      ['truncated base', () => {
        const base = path.join(catalogDir(d), state(d).base);
        fs.writeFileSync(base, fs.readFileSync(base).subarray(0, 100));
      }],
      ['garbage base', () => fs.writeFileSync(path.join(catalogDir(d), state(d).base), 'not a catalog')],
      ['base deleted', () => fs.rmSync(path.join(catalogDir(d), state(d).base))],
    ];
    for (const [what, harm] of damage) {
      harm();
      const r = tmt(d, ['list', '--where', 'metrics.acc > 0.05', '--json']);
      expect(r.stderr, what).toBe('');
      expect(JSON.parse(r.stdout), what).toEqual(expected);
    }
  });

  it('follows notes when git re-fans the notes tree between two queries', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    for (const n of ['a', 'b', 'c']) tmt(d, ['save', '-n', n, '-p', `x=${n}`]);
    listBothWays(d);
    json(tmt(d, ['list', '--json'])); // build the catalog with the flat tree
    expect(git(d, 'ls-tree', '--name-only', 'refs/notes/tmt').split('\n').every((p) => p.length === 40)).toBe(true);

    // 400 more notes in one commit, on other objects: git fans the tree out and the runs' notes move.
    const files = Array.from({ length: 400 }, (_, i) => {
      const f = path.join(d, `.git/blob-${i}`);
      fs.writeFileSync(f, `blob ${i}\n`);
      return f;
    });
    const oids = gitRaw(d, ['hash-object', '-w', '--stdin-paths'], files.join('\n') + '\n').stdout.trim().split('\n');
    const from = runCommits(d)[0]!;
    const copied = gitRaw(d, ['notes', '--ref=tmt', 'copy', '--stdin'], oids.map((o) => `${from} ${o}`).join('\n') + '\n');
    expect(copied.status).toBe(0);
    expect(git(d, 'ls-tree', '--name-only', 'refs/notes/tmt').split('\n').some((p) => p.length === 2)).toBe(true);

    const runs = listBothWays(d).runs;
    expect(runs.map((r: any) => r.name)).toEqual(['c', 'b', 'a']);
    expect(runs.map((r: any) => r.params.x)).toEqual(['c', 'b', 'a']);
  });

  it('gives the same answers as a rebuild after every kind of change', () => {
    const repo = tempDir();
    git(repo, 'init', '-q', '-b', 'unborn');
    git(repo, 'fetch', '-q', path.join(FIXTURES, 'notes-fanout.bundle'), 'refs/*:refs/*');
    git(repo, 'checkout', '-q', 'main');
    expect(listBothWays(repo).runs).toHaveLength(300);
    json(tmt(repo, ['list', '--json'])); // a catalog to update from

    const steps: Array<[string, () => void]> = [
      ['tmt save', () => tmt(repo, ['save', '-n', 'new-run', '-p', 'lr=0.1', '-m', 'acc=0.99'])],
      ['tmt log param on a fixture run', () => expect(tmt(repo, ['log', 'param', 'batch=64', '--run', 'fixture-007']).code).toBe(0)],
      ['a note rewritten by git', () => {
        const c = git(repo, 'rev-parse', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}010`);
        git(repo, 'notes', '--ref=tmt', 'add', '-f', '-m', git(repo, 'notes', '--ref=tmt', 'show', c).replace('fixture-010', 'edited-010'), c);
      }],
      ['a note removed by git', () => git(repo, 'notes', '--ref=tmt', 'remove', git(repo, 'rev-parse', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}020`))],
      ['a corrupt note', () => git(repo, 'notes', '--ref=tmt', 'add', '-f', '-m', 'not: [yaml', git(repo, 'rev-parse', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}030`))],
      ['a run ref deleted', () => git(repo, 'update-ref', '-d', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}040`)],
      ['a run ref moved to a commit whose note already existed', () => {
        const to = git(repo, 'rev-parse', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}051`);
        git(repo, 'update-ref', `refs/tmt/runs/${'01fxt' + '0'.repeat(18)}050`, to);
      }],
      ['refs packed', () => git(repo, 'pack-refs', '--all')],
      ['gc of the old notes commits', () => git(repo, 'gc', '-q', '--prune=now')],
    ];
    for (const [what, step] of steps) {
      step();
      const runs = listBothWays(repo).runs;
      expect(runs.length, what).toBeGreaterThan(290);
    }
    const runs = listBothWays(repo, ['--where', 'name = "edited-010" or params.batch = 64 or status = unreadable', '--sort', 'name']).runs;
    expect(runs.map((r: any) => r.name ?? r.status)).toEqual(['edited-010', 'fixture-007', 'unreadable', 'unreadable']);
    fsck(repo);
  });

  it('concurrent readers and writers: every reader succeeds, and the catalog ends equal to a rebuild', async () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'seed', '-m', 'acc=0.5']);
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; i < 6; i++) expect((await tmtAsync(d, ['save', '-n', `w${w}-${i}`, '-m', `acc=${i / 10}`])).code).toBe(0);
    });
    const readers = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 8; i++) {
        const r = await tmtAsync(d, ['list', '--json', '--where', 'metrics.acc >= 0']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout).runs.length).toBeGreaterThanOrEqual(1);
      }
    });
    await Promise.all([...writers, ...readers]);
    expect(listBothWays(d).runs).toHaveLength(19);
  });

  it('folds a large delta into a new base', async () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'first', '-m', 'acc=0.5']);
    json(tmt(d, ['list', '--json']));
    const before = state(d).base;
    // 1,200 runs at once, through tmt's bulk writer: more than the delta takes.
    const repo = await openRepo({ cwd: d });
    const head = git(d, 'rev-parse', 'HEAD');
    const tree = git(d, 'rev-parse', 'HEAD^{tree}');
    const t0 = Date.UTC(2026, 5, 1);
    const runs = Array.from({ length: 1200 }, (_, i) => {
      const id = newRunId(t0 + i * 1000);
      const meta = { schemaVersion: 1, id, name: `bulk-${i}`, tags: [], status: 'finished', params: { i }, metrics: { acc: { first: 0, last: i / 1200, min: 0, max: i / 1200, count: 2 } }, started: new Date(t0 + i * 1000).toISOString(), git: { base: head, dirty: false, tree } };
      return { id, parent: head, time: (t0 + i * 1000) / 1000, note: serializeMeta(meta) };
    });
    await writeRunsBulk(repo, runs);
    const top = json(tmt(d, ['list', '--json', '--sort', 'metrics.acc:desc', '--limit', '2'])).runs;
    expect(top.map((r: any) => r.name)).toEqual(['bulk-1199', 'bulk-1198']);
    const after = state(d);
    expect(after.base).not.toBe(before);
    expect(after.delta).toEqual({});
    expect(listBothWays(d).runs).toHaveLength(1201);
  });
});
