/**
 * tmt rerun against real repositories: the recorded command again, on exactly
 * the run's code, in a worktree of its own, with the verdict of --check.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, writeFiles } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { BIN, tmt } from './helpers/tmt.js';
import { testEnv } from './helpers/env.js';

afterAll(cleanupTemp);

const TRAIN = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples/train.py'), 'utf8');

function meta(dir: string, run: string): Record<string, any> {
  return JSON.parse(tmt(dir, ['show', run, '--json']).stdout).run.meta;
}

function must(r: { code: number; stderr: string }, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
}

/** What `git status` and the worktree list say: a rerun may change neither. */
function userState(dir: string): string {
  return `${git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored')}\n${git(dir, 'worktree', 'list', '--porcelain')}\n${git(dir, 'rev-parse', 'HEAD')}`;
}

describe('tmt rerun', () => {
  it('reruns examples/train.py with a fixed seed: --check exits 0, the new run records rerunOf and the same code, the working tree is untouched', () => {
    const dir = makeRepo({ 'examples/train.py': TRAIN, '.gitignore': 'data/\n' });
    writeFiles(dir, { 'notes.txt': 'uncommitted\n' });
    must(tmt(dir, ['record', '-q', '-n', 'fit', '--', 'python3', 'examples/train.py', '--lr', '0.05', '--seed', '3']), 'record');
    const original = meta(dir, 'fit');
    const before = userState(dir);
    const r = tmt(dir, ['rerun', 'fit', '--check']);
    must(r, 'rerun --check');
    expect(r.stderr).toMatch(/reproduced run \w{12}: 2 final metrics within tolerance/);
    const rerun = meta(dir, 'last');
    expect(rerun.id).not.toBe(original.id);
    expect(rerun.rerunOf).toBe(original.id);
    expect(rerun.name).toBe('fit');
    expect(rerun.git.tree).toBe(original.git.tree);
    expect(rerun.git.base).toBe(original.git.base);
    expect(git(dir, 'rev-parse', `refs/tmt/runs/${rerun.id}^{tree}`)).toBe(original.git.tree);
    expect(rerun.params).toEqual(original.params);
    expect(rerun.metrics.loss.last).toBe(original.metrics.loss.last);
    expect(rerun.command.argv).toEqual(original.command.argv);
    expect(userState(dir)).toBe(before);
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    fsck(dir);
  });

  it('--check exits 1 and names the metrics once the recorded script is nondeterministic', () => {
    const dir = makeRepo({ 'train.py': TRAIN.replace('random.seed(args.seed)', 'random.seed()') });
    must(tmt(dir, ['record', '-q', '-n', 'noisy', '--', 'python3', 'train.py', '--epochs', '3']), 'record');
    const r = tmt(dir, ['rerun', 'noisy', '--check']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/not reproduced: 1 of 2 final metrics|not reproduced: 2 of 2 final metrics/);
    expect(r.stderr).toMatch(/^loss\s/m);
    // The verdict as data, for CI; the command's own output went to stderr.
    const j = tmt(dir, ['rerun', 'noisy', '--check', '--json']);
    expect(j.code).toBe(1);
    const out = JSON.parse(j.stdout);
    expect(out.check.ok).toBe(false);
    expect(out.check.metrics.find((m: { name: string }) => m.name === 'loss').ok).toBe(false);
    expect(j.stderr).toContain('epoch 3/3');
    // A tolerance wide enough accepts it.
    must(tmt(dir, ['rerun', 'noisy', '--check', '--rtol', '10', '--atol', '10', '-q']), 'rerun with a wide tolerance');
  });

  it('runs from the directory the run was recorded in, reading data from an ignored data/ of the main tree, and rewrites -p flags', () => {
    const dir = makeRepo({
      '.gitignore': 'data/\n',
      'src/job.py': [
        'import json, os, sys',
        'args = dict(zip(sys.argv[1::2], sys.argv[2::2]))',
        'with open("../data/value.txt") as f: v = float(f.read())',
        'with open(os.environ["TMT_METRICS"], "a") as f: f.write(json.dumps({"v": v * float(args["--scale"]), "cwd_ok": float(os.path.basename(os.getcwd()) == "src")}) + "\\n")',
        '',
      ].join('\n'),
    });
    writeFiles(dir, { 'data/value.txt': '2.5\n' });
    must(tmt(path.join(dir, 'src'), ['record', '-q', '-n', 'job', '--', 'python3', 'job.py', '--scale', '2']), 'record from src/');
    expect(meta(dir, 'job').command.dir).toBe('src');
    const before = userState(dir);
    must(tmt(dir, ['rerun', 'job', '--check', '-q']), 'rerun --check');
    must(tmt(dir, ['rerun', 'job', '-p', 'scale=4', '-q']), 'rerun -p');
    const changed = meta(dir, 'last');
    expect(changed.command.argv).toEqual(['python3', 'job.py', '--scale', '4']);
    expect(changed.params.scale).toBe(4);
    expect(changed.metrics.v.last).toBe(10);
    expect(changed.metrics.cwd_ok.last).toBe(1);
    expect(userState(dir)).toBe(before);

    // Nothing shared: the script cannot find its data, and the run fails as it would.
    const lone = tmt(dir, ['rerun', 'job', '--no-link', '-q']);
    expect(lone.code).toBe(1);
    expect(meta(dir, 'last').status).toBe('failed');
    expect(fs.readFileSync(path.join(dir, 'data/value.txt'), 'utf8')).toBe('2.5\n');
  });

  it('refuses what it cannot do, in one line with a hint, and changes nothing', () => {
    const dir = makeRepo({ 'train.py': TRAIN });
    must(tmt(dir, ['record', '-q', '-n', 'fit', '--', 'python3', 'train.py', '--lr', '0.05']), 'record');
    must(tmt(dir, ['save', '-n', 'saved']), 'save');
    const runs = git(dir, 'for-each-ref', 'refs/tmt/runs/');
    const cases: Array<[string[], number, RegExp]> = [
      [['rerun', 'fit', '-p', 'batch=3'], 2, /the recorded command has no flag --batch\nhint: its flags with values: lr/],
      [['rerun', 'fit', '-p', 'lr'], 2, /expected KEY=VALUE/],
      [['rerun', 'saved'], 2, /has no command to run again/],
      [['rerun', 'nope'], 4, /no run matches "nope"/],
      [['rerun', 'fit', '--rtol', '0.1'], 2, /only mean something with --check/],
      [['rerun', 'fit', '--check', '--atol', '-1'], 2, /--atol: expected a number of 0 or more/],
      [['rerun', 'fit', '--in-place', '--keep'], 2, /--in-place runs in your working tree/],
      [['rerun', 'fit', '--no-link', '--link', 'data'], 2, /^error: --link and --no-link contradict each other\nhint: /],
      [['rerun', 'fit', '--link', 'data', '--no-link'], 2, /^error: --link and --no-link contradict each other\nhint: /],
    ];
    for (const [args, code, message] of cases) {
      const r = tmt(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(git(dir, 'for-each-ref', 'refs/tmt/runs/')).toBe(runs);
  });

  it('--in-place runs in the working tree only when it holds exactly the run\'s code; --keep keeps the worktree', () => {
    const dir = makeRepo({ 'train.py': TRAIN });
    must(tmt(dir, ['record', '-q', '-n', 'fit', '--', 'python3', 'train.py', '--epochs', '2']), 'record');
    must(tmt(dir, ['rerun', 'fit', '--in-place', '--check', '-q']), 'in place on the same code');
    writeFiles(dir, { 'train.py': `${TRAIN}\n# edited\n` });
    const r = tmt(dir, ['rerun', 'fit', '--in-place']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--in-place: the working tree is not run \w{12}'s code\nhint: tmt apply fit/);

    const kept = tmt(dir, ['rerun', 'fit', '--keep', '--json']);
    must(kept, 'rerun --keep');
    const ws = JSON.parse(kept.stdout).workspace as string;
    expect(fs.readFileSync(path.join(ws, 'train.py'), 'utf8')).toBe(TRAIN);
    expect(git(dir, 'worktree', 'list')).toContain(ws);
    git(dir, 'worktree', 'remove', ws);
  });

  it("the repository's post-checkout hook never runs in a rerun's worktree; tmt checkout, a worktree the user asked for, keeps it", () => {
    const dir = makeRepo({ 'run.sh': 'test ! -e hooked.txt || exit 3\necho CODE-A\n' });
    must(tmt(dir, ['record', '-q', '-n', 'rh', '--', 'sh', 'run.sh']), 'record');
    const original = meta(dir, 'rh');
    // A hook that writes into every checkout: a new file, and the tracked script replaced.
    fs.mkdirSync(path.join(dir, '.git/hooks'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.git/hooks/post-checkout'), '#!/bin/sh\necho hooked > hooked.txt\necho "exit 5" > run.sh\n', { mode: 0o755 });

    const r = tmt(dir, ['rerun', 'rh', '--keep', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ws = JSON.parse(r.stdout).workspace as string;
    expect(fs.existsSync(path.join(ws, 'hooked.txt'))).toBe(false);
    expect(git(ws, 'status', '--porcelain')).toBe('');
    const rerun = meta(dir, 'last');
    expect(rerun.status).toBe('finished');
    expect(rerun.git.tree).toBe(original.git.tree);
    git(dir, 'worktree', 'remove', ws);

    const co = tmt(dir, ['checkout', 'rh']);
    must(co, 'checkout');
    expect(fs.readFileSync(path.join(co.stdout.trim(), 'hooked.txt'), 'utf8')).toBe('hooked\n');
  });

  it('a note whose working directory leads outside the code is refused', () => {
    const dir = makeRepo({ 'train.py': TRAIN });
    must(tmt(dir, ['record', '-q', '-n', 'fit', '--', 'python3', 'train.py', '--epochs', '1']), 'record');
    const commit = git(dir, 'rev-parse', 'refs/tmt/runs/' + meta(dir, 'fit').id);
    const note = git(dir, 'notes', '--ref=tmt', 'show', commit).replace(/^(\s+)dir: .*$/m, '$1dir: ../../etc');
    expect(note).toContain('dir: ../../etc');
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', note, commit);
    const r = tmt(dir, ['rerun', 'fit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/names a working directory outside its code/);
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('reruns a run fetched into a fresh clone; a run whose code is not all here is named, with tmt fetch suggested', () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare, { 'train.py': TRAIN });
    must(tmt(dir, ['record', '-q', '-n', 'shared', '--', 'python3', 'train.py', '--epochs', '2', '--seed', '5']), 'record');
    must(tmt(dir, ['push', '-q']), 'push');
    const clone = cloneOf(bare);
    must(tmt(clone, ['fetch', '-q']), 'fetch');
    must(tmt(clone, ['rerun', 'shared', '--check', '-q']), 'rerun in the clone');
    expect(meta(clone, 'last').rerunOf).toBe(meta(dir, 'shared').id);

    const other = makeRepo({ 'train.py': TRAIN });
    writeFiles(other, { 'lib/extra.py': 'x = 1\n' });
    must(tmt(other, ['record', '-q', '-n', 'broken', '--', 'python3', 'train.py', '--epochs', '1']), 'record');
    const id = meta(other, 'broken').id;
    const blob = git(other, 'rev-parse', `refs/tmt/runs/${id}:lib/extra.py`);
    fs.rmSync(path.join(other, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const r = tmt(other, ['rerun', 'broken']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`error: run ${id.slice(0, 12)} (broken): its code (its snapshot) is not complete in this repository (object ${blob.slice(0, 12)} is missing)`);
    expect(r.stderr).toContain('tmt fetch');
    expect(git(other, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('a killed rerun leaves its worktree; tmt recover removes it once it is abandoned, never a kept one, never what its links point to', async () => {
    // The job waits only when asked to, so it records quickly and its rerun can be killed mid-way.
    const dir = makeRepo({ '.gitignore': 'data/\n', 'job.py': 'import os, time\nprint("ready", flush=True)\nif os.environ.get("SLOW"): time.sleep(120)\n' });
    writeFiles(dir, { 'data/keep.txt': 'precious\n' });
    must(tmt(dir, ['record', '-q', '-n', 'job', '--', 'python3', 'job.py']), 'record');
    const child = spawn(process.execPath, [BIN, 'rerun', 'job'], { cwd: dir, env: { ...testEnv, SLOW: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (b) => ((out += b), out.includes('ready') && resolve())));
    const rerun = meta(dir, 'last');
    const commandPid = Number(fs.readFileSync(path.join(dir, '.git/tmt/runs', rerun.id, 'command.pid'), 'utf8'));
    expect(commandPid).toBeGreaterThan(0); // never kill(0)
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    process.kill(commandPid, 'SIGKILL');
    const root = path.join(dir, '.git/tmt/workspaces');
    const [left] = fs.readdirSync(root);
    const ws = path.join(root, left!);
    expect(fs.readlinkSync(path.join(ws, 'data'))).toBe(path.join(dir, 'data'));
    // A kept workspace beside it, as old.
    const keep = JSON.parse(tmt(dir, ['rerun', 'job', '--keep', '--json']).stdout).workspace as string;
    await new Promise((r) => setTimeout(r, 200)); // the killed command is gone
    // Ended, but a workspace this young may belong to a rerun that is only starting: left alone.
    const first = tmt(dir, ['recover']);
    expect(first.code, first.stderr).toBe(0);
    expect(meta(dir, rerun.id).status).toBe('killed');
    expect(first.stderr).not.toContain('removed');
    expect(fs.existsSync(ws)).toBe(true);

    const old = new Date(Date.now() - 3_600_000);
    for (const w of [ws, keep]) fs.utimesSync(w, old, old);
    const r = tmt(dir, ['recover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed ${fs.realpathSync(root)}/${left}, the worktree a killed tmt rerun left behind`);
    expect(fs.existsSync(ws)).toBe(false);
    expect(fs.existsSync(keep)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'data/keep.txt'), 'utf8')).toBe('precious\n');
    expect(meta(dir, rerun.id).status).toBe('killed');
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(2); // the main one and the kept one
    fsck(dir);
  });

  it('found in review: a doctored note is refused, a linked entry the command replaced is cleaned up, and -p leaves what follows -- alone', () => {
    const dir = makeRepo({ '.gitignore': 'outputs/\n', 'run.sh': 'echo CODE-A\n' });
    writeFiles(dir, { 'outputs/old.txt': 'mine\n' });
    must(tmt(dir, ['record', '-q', '-n', 'ra', '--', 'sh', 'run.sh']), 'record a');
    writeFiles(dir, { 'run.sh': 'rm outputs; mkdir outputs; echo x > outputs/x; echo CODE-B\n' });
    must(tmt(dir, ['record', '-q', '-n', 'rb', '--', 'sh', 'run.sh']), 'record b');
    const [a, b] = [meta(dir, 'ra'), meta(dir, 'rb')];
    const runs = git(dir, 'for-each-ref', 'refs/tmt/runs/');

    // The note of rb claims ra's tree: what would run is rb's commit, so the record would lie.
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${b.id}`);
    const note = git(dir, 'notes', '--ref=tmt', 'show', commit).replace(`tree: ${b.git.tree}`, `tree: ${a.git.tree}`);
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', note, commit);
    const doctored = tmt(dir, ['rerun', 'rb']);
    expect(doctored.code).toBe(4);
    expect(doctored.stderr).toMatch(/its note names tree \w{12}, but its commit \w{12} says otherwise/);
    expect(git(dir, 'for-each-ref', 'refs/tmt/runs/')).toBe(runs);
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', note.replace(`tree: ${a.git.tree}`, `tree: ${b.git.tree}`), commit);

    // The command removes the linked outputs/ and makes its own directory there.
    const r = tmt(dir, ['rerun', 'rb', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).workspace).toBeUndefined();
    expect(fs.readdirSync(path.join(dir, '.git/tmt/workspaces'))).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'outputs/old.txt'), 'utf8')).toBe('mine\n');
    expect(git(dir, 'worktree', 'list').split('\n')).toHaveLength(1);

    must(tmt(dir, ['record', '-q', '-n', 'dd', '--', 'echo', '--lr=0.1', '--', '--lr', '0.3']), 'record with --');
    const j = tmt(dir, ['rerun', 'dd', '-p', 'lr=9', '--json']);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout).argv).toEqual(['echo', '--lr=9', '--', '--lr', '0.3']);
  });
});
