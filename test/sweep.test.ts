/**
 * tmt sweep against real repositories: every trial an ordinary run with the
 * right params, resumable after rm or Ctrl-C, --index jobs side by side in
 * one repository, and one code tree for all trials however the files change
 * while the sweep runs. Results are checked with native git.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, nativeTree, writeFiles } from './helpers/git.js';
import { BIN, tmt, tmtAsync } from './helpers/tmt.js';
import { testEnv } from './helpers/env.js';

afterAll(cleanupTemp);

/** A training script: reads its flags, sleeps $SLEEP seconds (ignoring Ctrl-C with $IGNORE_INT), writes acc and a log line. */
const TRAIN = `import argparse, json, os, signal, sys, time
p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=1)
p.add_argument('--lr', type=float, default=0.1)
p.add_argument('--hidden', type=int, default=8)
p.add_argument('--seed', type=int, default=0)
a = p.parse_args()
if os.environ.get('IGNORE_INT'):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
print('start', a.lr, a.hidden, a.seed, flush=True)
time.sleep(float(os.environ.get('SLEEP', '0')))
acc = 1 - abs(a.lr - 0.01) + a.hidden / 1000 + a.seed / 10000
with open(os.environ['TMT_METRICS'], 'a') as f:
    f.write(json.dumps({'step': a.epochs, 'acc': acc}) + '\\n')
print('trained', os.environ.get('TMT_SWEEP'), os.environ.get('TMT_SWEEP_INDEX'), open('data/x.txt').read().strip())
`;

const SPEC = `name: lr-width
command: python3 train.py --epochs 2
grid:
  lr: [0.1, 0.01, 0.001]
  hidden: [32, 64]
repeat: 2
`;

function project(spec = SPEC): string {
  const dir = makeRepo({ 'train.py': TRAIN, 'sweep.yaml': spec, '.gitignore': 'data/\n' });
  writeFiles(dir, { 'data/x.txt': 'shared data\n' });
  return dir;
}

function must(r: { code: number; stderr: string; stdout?: string }, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
}

interface Listed {
  index: number;
  repeat: number;
  combination: number;
  params: Record<string, unknown>;
  argv: string[];
  status: string;
  runs: string[];
  tree: string | null;
}

function listed(dir: string, spec = 'sweep.yaml'): { trials: Listed[]; warnings: string[]; schemaVersion: number } {
  const r = tmt(dir, ['sweep', spec, '--list', '--json']);
  must(r, 'sweep --list');
  return JSON.parse(r.stdout);
}

/** Every run of the repository as native git sees it: id → its note, parsed from `tmt show --json`. */
function runNotes(dir: string): Map<string, Record<string, any>> {
  const ids = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/').split('\n').filter(Boolean);
  return new Map(ids.map((id) => [id, JSON.parse(tmt(dir, ['show', id, '--json']).stdout).run.meta]));
}

function missing(dir: string, ...extra: string[]): string {
  const r = tmt(dir, ['sweep', 'sweep.yaml', '--missing', ...extra]);
  must(r, 'sweep --missing');
  return r.stdout;
}

describe('tmt sweep', () => {
  it('--list numbers trials as PyExpUtils does (i → combination i mod p, repeat i div p), with a schemaVersion', () => {
    const dir = project();
    const list = listed(dir);
    expect(list.schemaVersion).toBe(1);
    expect(list.trials).toHaveLength(12);
    const lr = [0.1, 0.01, 0.001];
    const hidden = [32, 64];
    for (const t of list.trials) {
      expect(t.combination).toBe(t.index % 6);
      expect(t.repeat).toBe(Math.floor(t.index / 6));
      expect(t.params).toEqual({ lr: lr[t.combination % 3], hidden: hidden[Math.floor(t.combination / 3)], seed: t.repeat });
      expect(t.status).toBe('missing');
      expect(t.runs).toEqual([]);
    }
    expect(git(dir, 'for-each-ref', 'refs/tmt/')).toBe('');
  });

  it('a -j 2 sweep records exactly the expected finished runs with the right params; running it again runs nothing; --summary folds the repeats', () => {
    const dir = project();
    const r = tmt(dir, ['sweep', 'sweep.yaml', '-j', '2']);
    must(r, 'sweep -j 2');
    // Output is prefixed by trial; the shared data/ reached every trial.
    for (let i = 0; i < 12; i++) expect(r.stdout).toContain(`[${String(i).padStart(2)}] trained lr-width ${i} shared data\n`);
    expect(r.stderr).toMatch(/12 ran \(12 finished\)/);
    const notes = runNotes(dir);
    expect(notes.size).toBe(12);
    const byIndex = new Map([...notes.values()].map((m) => [m.sweep.index, m]));
    const list = listed(dir);
    for (const t of list.trials) {
      const m = byIndex.get(t.index)!;
      expect(m.status).toBe('finished');
      expect(m.sweep).toEqual({ name: 'lr-width', index: t.index, repeat: t.repeat });
      expect(m.name).toBe(`lr-width-${t.index}`);
      expect(m.tags).toEqual(['lr-width']);
      expect(m.params).toEqual({ epochs: 2, ...t.params });
      expect(m.command.argv).toEqual(t.argv);
      expect(t.runs).toEqual([m.id]);
      expect(t.status).toBe('finished');
    }
    // One snapshot: every trial's run commit holds the same tree, the working tree's.
    const tree = nativeTree(dir);
    for (const id of notes.keys()) expect(git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`)).toBe(tree);
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(missing(dir)).toBe('');
    // The sweep fields are queryable.
    const q = tmt(dir, ['list', '--where', 'sweep.name = lr-width and sweep.repeat = 1 and sweep.index >= 9', '--format', 'csv', '--columns', 'name']);
    expect(q.stdout.trim().split('\n').slice(1).sort()).toEqual(['lr-width-10', 'lr-width-11', 'lr-width-9']);

    const again = tmt(dir, ['sweep', 'sweep.yaml', '-j', '2']);
    must(again, 'sweep again');
    expect(again.stderr).toMatch(/all 12 trials of lr-width have finished runs/);
    expect(runNotes(dir).size).toBe(12);

    const s = tmt(dir, ['sweep', 'sweep.yaml', '--summary', '--json']);
    must(s, 'summary');
    const summary = JSON.parse(s.stdout);
    expect(summary.metric).toBe('acc');
    expect(summary.rows).toHaveLength(6);
    expect(summary.best.params).toEqual({ lr: 0.01, hidden: 64 });
    expect(summary.best.count).toBe(2);
    expect(summary.best.mean).toBeCloseTo(1 + 0.064 + 0.00005, 10);
    expect(summary.best.std).toBeCloseTo(Math.SQRT1_2 * 0.0001, 10);
    const table = tmt(dir, ['sweep', 'sweep.yaml', '--summary']);
    expect(table.stdout).toMatch(/^best: lr=0\.01 hidden=64: acc 1\.06405 ± 0?\.?0*7\.?07107\S* \(higher is better; 2 runs\)$/m);
    fsck(dir);
  });

  it('after tmt rm of two trials, --missing names exactly those two and the sweep records only them', () => {
    const dir = project();
    must(tmt(dir, ['sweep', 'sweep.yaml', '-q']), 'sweep');
    const before = runNotes(dir);
    must(tmt(dir, ['rm', 'lr-width-3', 'lr-width-8', '-y']), 'rm');
    expect(missing(dir)).toBe('3\n8\n');
    expect(missing(dir, '--format', 'array')).toBe('3,8\n');
    expect(JSON.parse(missing(dir, '--json')).missing).toEqual([3, 8]);
    const r = tmt(dir, ['sweep', 'sweep.yaml']);
    must(r, 'resume');
    expect(r.stderr).toMatch(/12 trials, 10 finished already; running 2/);
    const after = runNotes(dir);
    expect(after.size).toBe(12);
    const added = [...after.keys()].filter((id) => !before.has(id));
    expect(added.map((id) => after.get(id)!.sweep.index).sort()).toEqual([3, 8]);
    expect(missing(dir)).toBe('');
    fsck(dir);
  });

  it('--index jobs run side by side as separate processes in one repository lose nothing', async () => {
    const dir = project();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => tmtAsync(dir, ['sweep', 'sweep.yaml', '--index', String(i), '-q'])));
    results.forEach((r, i) => expect(r.code, `--index ${i}: ${r.stderr}`).toBe(0));
    const notes = runNotes(dir);
    expect(notes.size).toBe(12);
    expect([...notes.values()].map((m) => m.sweep.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    for (const m of notes.values()) expect(m.status).toBe('finished');
    expect(git(dir, 'notes', '--ref=tmt', 'list').split('\n')).toHaveLength(12);
    expect(missing(dir)).toBe('');
    // The same trial by index records what the sweep would have: one run matches it.
    expect(listed(dir).trials.every((t) => t.runs.length === 1 && t.status === 'finished')).toBe(true);
    fsck(dir);
  });

  it('Ctrl-C mid-sweep ends the running trials as killed, starts no more, and the next sweep picks up', async () => {
    const dir = project();
    const child = spawn(process.execPath, [BIN, 'sweep', 'sweep.yaml', '-j', '2'], { cwd: dir, env: { ...testEnv, SLEEP: '20' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    let stdout = '';
    child.stdout.on('data', (b) => (stdout += b));
    // Both workers' commands have started (they print before sleeping).
    await waitFor(() => (stdout.match(/\] start /g) ?? []).length === 2, 20_000, () => stderr);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopping: no new trials start/);
    const notes = [...runNotes(dir).values()];
    expect(notes.map((m) => m.status)).toEqual(['killed', 'killed']);
    expect(notes.map((m) => m.sweep.index).sort()).toEqual([0, 1]);
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    expect(missing(dir, '--format', 'array')).toBe('0-11\n');
    const r = tmt(dir, ['sweep', 'sweep.yaml', '-j', '2', '-q']);
    must(r, 'resume');
    expect(missing(dir)).toBe('');
    const trials = listed(dir).trials;
    expect(trials[0]!.runs).toHaveLength(2); // the killed run and the finished one
    expect(trials[0]!.status).toBe('finished');
    fsck(dir);
  });

  it('a second Ctrl-C kills trials that ignore the first at once', async () => {
    const dir = project();
    const child = spawn(process.execPath, [BIN, 'sweep', 'sweep.yaml'], { cwd: dir, env: { ...testEnv, SLEEP: '30', IGNORE_INT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    await waitFor(() => stdout.includes('] start '), 20_000, () => stderr);
    const started = Date.now();
    child.kill('SIGINT');
    await waitFor(() => stderr.includes('stopping'), 10_000, () => stderr);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(15_000);
    const notes = [...runNotes(dir).values()];
    expect(notes).toHaveLength(1);
    expect(notes[0]!.status).toBe('killed');
    expect(notes[0]!.failure).toBe('killed by SIGKILL');
  });

  it('editing files while the sweep runs does not change the trials\' tree', async () => {
    const dir = project(SPEC.replace('repeat: 2\n', ''));
    writeFiles(dir, { 'notes.md': 'uncommitted, part of the snapshot\n' });
    const tree = nativeTree(dir);
    const child = spawn(process.execPath, [BIN, 'sweep', 'sweep.yaml'], { cwd: dir, env: { ...testEnv, SLEEP: '0.4' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    await waitFor(() => stdout.includes('] start '), 20_000, () => stderr);
    // Edit the script the trials run, add a file, delete one: what a researcher does mid-sweep.
    writeFiles(dir, { 'train.py': TRAIN.replace("print('trained'", "print('EDITED'"), 'new.py': 'x = 1\n' });
    fs.rmSync(path.join(dir, 'notes.md'));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).not.toContain('EDITED');
    const notes = [...runNotes(dir).values()];
    expect(notes).toHaveLength(6);
    for (const m of notes) {
      expect(m.git.tree).toBe(tree);
      expect(git(dir, 'rev-parse', `refs/tmt/runs/${m.id}^{tree}`)).toBe(tree);
    }
    expect(nativeTree(dir)).not.toBe(tree);
    // A trial run by --index now records the code it finds, and --list says the trees differ.
    must(tmt(dir, ['rm', 'lr-width-5', '-y']), 'rm');
    must(tmt(dir, ['sweep', 'sweep.yaml', '--index', '5', '-q']), '--index');
    const list = listed(dir);
    expect(list.trials[5]!.tree).toBe(nativeTree(dir));
    expect(list.warnings.join('\n')).toMatch(/ran 2 different code trees/);
    expect(tmt(dir, ['sweep', 'sweep.yaml', '--list']).stderr).toMatch(/different code trees/);
  });

  it('random samples are identical across two --list calls with the same seed, and differ with another', () => {
    const spec = `name: rnd
command: python3 train.py
random:
  n: 5
  seed: 11
  params:
    lr: {loguniform: [1.0e-4, 1.0e-1]}
    hidden: {randint: [8, 64]}
`;
    const dir = project(spec);
    const a = listed(dir).trials;
    const b = listed(dir).trials;
    expect(a).toEqual(b);
    expect(a).toHaveLength(5);
    for (const t of a) {
      expect(t.params.lr).toBeGreaterThanOrEqual(1e-4);
      expect(t.params.lr).toBeLessThanOrEqual(0.1);
      expect(t.argv).toEqual(['python3', 'train.py', '--lr', String(t.params.lr), '--hidden', String(t.params.hidden)]);
    }
    writeFiles(dir, { 'sweep.yaml': spec.replace('seed: 11', 'seed: 12') });
    expect(listed(dir).trials.map((t) => t.params)).not.toEqual(a.map((t) => t.params));
  });

  it('--gpus hands each worker its own CUDA_VISIBLE_DEVICES, recorded in the run', () => {
    const dir = project(SPEC.replace('repeat: 2\n', '').replace('python3 train.py --epochs 2', "[sh, -c, 'echo gpu=$CUDA_VISIBLE_DEVICES \"$@\"', sh]"));
    const r = tmt(dir, ['sweep', 'sweep.yaml', '--gpus', '0,1']);
    expect(r.code, r.stderr).toBe(0);
    const envs = [...runNotes(dir).values()].map((m) => m.env.CUDA_VISIBLE_DEVICES).sort();
    expect(envs).toEqual(['0', '0', '0', '1', '1', '1']);
    expect(r.stdout.match(/gpu=[01] --lr \S+ --hidden \d+\n/g)).toHaveLength(6);
  });

  it.each([
    ['a YAML error', 'command: x\ngrid:\n  lr: [0.1\n', [], /^error: sweep\.yaml:4:1: /],
    ['an unknown key', 'command: python3 train.py\ngrid: {lr: [1]}\nrepaet: 2\n', [], /^error: sweep\.yaml:3:1: unknown key "repaet"/],
    ['an empty grid', 'command: python3 train.py\ngrid: {}\n', [], /the grid is empty/],
    ['bad bounds', 'command: python3 train.py\nrandom: {n: 2, params: {d: {uniform: [1, 0]}}}\n', [], /uniform needs low < high/],
    ['too many trials', `command: python3 train.py\ngrid:\n  a: [${[...Array(101).keys()].join(', ')}]\n  b: [${[...Array(100).keys()].join(', ')}]\n`, [], /10,100 trials, over the limit of 10,000/],
    ['an index out of range', SPEC, ['--index', '12'], /--index 12: out of range; lr-width has trials 0 to 11/],
    ['a param that is no flag', 'command: python3 train.py\ngrid: {"a b": [1]}\n', [], /cannot be a command-line flag/],
    ['a command that does not exist', 'command: no-such-program-xyz --x\ngrid: {lr: [1, 2, 3]}\n', [], /the sweep's command was not found: no-such-program-xyz/],
    ['a command that does not exist, by index', 'command: ./nope.sh\ngrid: {lr: [1, 2, 3]}\n', ['--index', '1'], /the sweep's command was not found: \.\/nope\.sh/],
    ['no such spec', null, [], /sweep\.yaml: no such file/],
    ['-j with --list', SPEC, ['--list', '-j', '2'], /-j and --gpus are for running a sweep/],
    ['two questions', SPEC, ['--list', '--missing'], /--list and --missing are different questions/],
    ['--format array with --list', SPEC, ['--list', '--format', 'array'], /--format array does not fit --list/],
    ['an unknown format', SPEC, ['--format', 'yaml'], /--format: unknown format "yaml"/],
    ['--no-link, then --link', SPEC, ['--no-link', '--link', 'data'], /^error: --link and --no-link contradict each other\n/],
    ['--link, then --no-link', SPEC, ['--link', 'data', '--no-link'], /^error: --link and --no-link contradict each other\n/],
  ])('%s: one line, exit 2, nothing recorded', (_, spec, args, message) => {
    const dir = spec === null ? makeRepo({ 'train.py': TRAIN }) : project(spec);
    const r = tmt(dir, ['sweep', 'sweep.yaml', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // the error and its hint
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(git(dir, 'for-each-ref', 'refs/tmt/', 'refs/notes/')).toBe('');
    expect(fs.existsSync(path.join(dir, '.git/tmt/workspaces')) ? fs.readdirSync(path.join(dir, '.git/tmt/workspaces')) : []).toEqual([]);
  });
});

describe('tmt sweep, the hard cases', () => {
  it('two experiments with a sweep.yaml each (one default name) never count each other\'s runs', () => {
    const dir = makeRepo({
      'exp1/train.py': 'print("one")\n',
      'exp1/sweep.yaml': 'command: python3 train.py\ngrid: {lr: [0.1, 0.2]}\n',
      'exp2/train.py': 'print("two")\n',
      'exp2/sweep.yaml': 'command: python3 train.py\ngrid: {lr: [0.1, 0.2]}\n',
    });
    must(tmt(path.join(dir, 'exp1'), ['sweep', 'sweep.yaml', '-q']), 'exp1');
    const r = tmt(path.join(dir, 'exp2'), ['sweep', 'sweep.yaml']);
    must(r, 'exp2');
    expect(r.stdout).toContain('[0] two\n');
    const notes = [...runNotes(dir).values()];
    expect(notes.map((m) => `${m.command.dir}:${m.sweep.index}:${m.status}`).sort()).toEqual(['exp1:0:finished', 'exp1:1:finished', 'exp2:0:finished', 'exp2:1:finished']);
    expect(tmt(path.join(dir, 'exp2'), ['sweep', 'sweep.yaml', '--missing']).stdout).toBe('');
  });

  it('two tmt sweep processes on one spec run each trial once', async () => {
    const dir = project(SPEC.replace('repeat: 2\n', ''));
    const [a, b] = await Promise.all([tmtAsync(dir, ['sweep', 'sweep.yaml'], { SLEEP: '0.3' }), tmtAsync(dir, ['sweep', 'sweep.yaml'], { SLEEP: '0.3' })]);
    must(a, 'first');
    must(b, 'second');
    const notes = [...runNotes(dir).values()];
    expect(notes.map((m) => m.sweep.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(notes.every((m) => m.status === 'finished')).toBe(true);
    expect(`${a.stderr}${b.stderr}`).toMatch(/left out: (finished meanwhile|running in)/);
  });

  it('Ctrl-C reaches what a trial started (sh -c "... | cat"), and a killed sweep leaves no process behind', async () => {
    const dir = project('command: [sh, -c, "python3 train.py \\"$@\\" | cat", sh]\ngrid: {lr: [0.1, 0.2]}\n');
    const child = spawn(process.execPath, [BIN, 'sweep', 'sweep.yaml'], { cwd: dir, env: { ...testEnv, SLEEP: '30' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    await waitFor(() => stdout.includes('] start '), 20_000, () => stderr);
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(10_000);
    const notes = [...runNotes(dir).values()];
    expect(notes.map((m) => m.status)).toEqual(['killed']);
    expect(stdout).not.toContain('trained');
  });

  it('between trials the workspace is put back: a replaced link is restored, leftovers are gone, a broken worktree is replaced', () => {
    const script = `import os, shutil, sys
i = int(os.environ['TMT_SWEEP_INDEX'])
print('sees', sorted(os.listdir('data')), os.path.islink('data'), os.path.exists('leftover.txt'), open('fiddle.py').read().endswith('# changed\\n'), os.path.exists('out'))
open('leftover.txt', 'w').write('x')
os.makedirs('out/deep', exist_ok=True); open('out/deep/x', 'w').write('x')
if i == 0:
    os.remove('data'); os.mkdir('data'); open('data/junk', 'w').write('j')
    open('fiddle.py', 'a').write('# changed\\n')
if i == 1:
    os.remove('.git')
`;
    const dir = makeRepo({ 'fiddle.py': script, 'sweep.yaml': 'command: python3 fiddle.py\ngrid: {k: [0, 1, 2]}\n', '.gitignore': 'data/\n' });
    writeFiles(dir, { 'data/x.txt': 'shared\n' });
    const r = tmt(dir, ['sweep', 'sweep.yaml']);
    must(r, 'sweep');
    // A tracked file the trial edited, files and directories it made, a link it replaced: all put back.
    expect(r.stdout.split('\n').filter((l) => l.includes('sees'))).toEqual(["[0] sees ['x.txt'] True False False False", "[1] sees ['x.txt'] True False False False", "[2] sees ['x.txt'] True False False False"]);
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['x.txt']);
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    fsck(dir);
  });

  it('what the snapshot leaves out is said, as tmt record says it', () => {
    const dir = project(SPEC.replace('repeat: 2\n', '').replace('[0.1, 0.01, 0.001]', '[0.1]').replace('[32, 64]', '[32]'));
    writeFiles(dir, { 'big.bin': 'x'.repeat(2048) });
    const r = tmt(dir, ['sweep', 'sweep.yaml', '--max-file-size', '1K']);
    must(r, 'sweep');
    expect(r.stderr).toMatch(/left out big\.bin from the snapshot: 2048 bytes is over the 1K cap/);
  });
});

async function waitFor(done: () => boolean, ms: number, context: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out; so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
