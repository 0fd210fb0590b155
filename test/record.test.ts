import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { BIN, tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples');

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Starts `tmt record` in the background; resolves `ready` once stdout contains `marker`. */
function startRecord(cwd: string, args: string[], marker: string) {
  const child = spawn(process.execPath, [BIN, 'record', ...args], { cwd, env: testEnv });
  let stdout = '';
  let stderr = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (b) => {
      stdout += b;
      if (stdout.includes(marker)) resolve();
    });
  });
  child.stderr.on('data', (b) => (stderr += b));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, ready, done, out: () => ({ stdout, stderr }) };
}

describe('tmt record with a Python training script', () => {
  it('records params, every metric, logs and artifacts, readable by tmt and by plain git', () => {
    const dir = makeRepo({ 'README.md': 'research\n' });
    fs.copyFileSync(path.join(EXAMPLES, 'train.py'), path.join(dir, 'train.py'));
    const r = tmt(dir, ['record', '-n', 'py', '-t', 'demo', '--', 'python3', 'train.py', '--lr', '0.05', '--epochs', '4', '--seed=7']);
    expect(r.code).toBe(0);
    const printed = r.stdout;
    expect(printed).toMatch(/^epoch 1\/4 loss=/);
    expect(printed).toMatch(/done: w=/);
    expect(r.stderr).toMatch(/^tmt: recording run [0-9a-z]{26}$/m);
    expect(r.stderr).toMatch(/^tmt: run [0-9a-z]{12} finished in /m);

    const list = json(tmt(dir, ['list', '--json']));
    expect(list.schemaVersion).toBe(1);
    expect(list.runs).toHaveLength(1);
    const row = list.runs[0];
    expect(row).toMatchObject({ name: 'py', status: 'finished', tags: ['demo'], params: { lr: 0.05, epochs: 4, seed: 7 } });
    expect(Object.keys(row.metrics).sort()).toEqual(['acc', 'loss']);

    const show = json(tmt(dir, ['show', 'py', '--json'])).run;
    expect(show.meta.metrics.loss.count).toBe(4);
    expect(show.meta.metrics.acc.count).toBe(4);
    expect(show.meta.metrics.loss.first).toBeGreaterThan(show.meta.metrics.loss.last);
    expect(show.meta.metrics.loss.minStep).toBe(4);
    expect(show.meta.command.argv).toEqual(['python3', 'train.py', '--lr', '0.05', '--epochs', '4', '--seed=7']);
    expect(show.meta.exitCode).toBe(0);
    expect(show.meta.env).toBeUndefined();
    expect(show.logs.stdout.tail.join('\n') + '\n').toBe(printed);
    expect(show.artifacts).toEqual([{ path: 'model.json', size: fs.statSync(path.join(dir, 'train.py')) && expect.any(Number) }]);
    expect(show.diffStat).toMatch(/train\.py \| \d+ \+/);

    const human = tmt(dir, ['show', 'py']).stdout;
    expect(human).toMatch(/^status +finished \(exit 0\)$/m);
    expect(human).toMatch(/^ {2}lr = 0\.05$/m);
    expect(human).toMatch(/^ {2}model\.json +\d+ B$/m);

    // Plain git sees the ref, the note and the outputs.
    const ref = `refs/tmt/runs/${show.id}`;
    expect(git(dir, 'rev-parse', ref)).toBe(show.commit);
    expect(git(dir, 'notes', '--ref=tmt', 'show', ref)).toMatch(/^status: finished$/m);
    const outputs = show.meta.outputs;
    expect(git(dir, 'rev-parse', `${ref}^2`)).toBe(outputs);
    expect(git(dir, 'rev-parse', `${ref}^1`)).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(git(dir, 'show', `${ref}:train.py`)).toBe(fs.readFileSync(path.join(dir, 'train.py'), 'utf8').trimEnd());
    expect(git(dir, 'cat-file', 'blob', `${outputs}:logs/stdout`) + '\n').toBe(printed);
    expect(JSON.parse(git(dir, 'cat-file', 'blob', `${outputs}:artifacts/model.json`))).toHaveProperty('w');
    expect(git(dir, 'cat-file', 'blob', `${outputs}:metrics.jsonl`).split('\n')).toHaveLength(8);
    expect(fs.existsSync(path.join(dir, '.git/tmt/runs', show.id))).toBe(false);
    fsck(dir);
  });

  it('snapshots the code before the command runs, not after', () => {
    const dir = makeRepo({ 'train.py': 'version 1\n' });
    const r = tmt(dir, ['record', '--', 'sh', '-c', 'echo "version 2" > train.py']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('version 2\n');
    expect(git(dir, 'show', 'refs/tmt/runs/' + json(tmt(dir, ['list', '--json'])).runs[0].id + ':train.py')).toBe('version 1');
  });
});

describe('how a recorded command ends', () => {
  it('SIGINT is forwarded to the command and the run is saved as killed', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const rec = startRecord(dir, ['-n', 'interrupted', '--', 'python3', '-c', 'import time\nprint("ready", flush=True)\ntime.sleep(60)'], 'ready');
    await rec.ready;
    rec.child.kill('SIGINT');
    const { code } = await rec.done;
    expect(code).toBe(130);
    const run = json(tmt(dir, ['show', 'interrupted', '--json'])).run;
    expect(run.status).toBe('killed');
    expect(run.meta.exitCode).toBe(130);
    expect(run.logs.stdout.tail).toEqual(['ready']);
    fsck(dir);
  });

  it('a failing command is saved as failed and tmt exits with its code', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(dir, ['record', '-n', 'bad', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^oops$/m);
    expect(r.stderr).toMatch(/tmt: run \w+ failed \(exit 3\)/);
    const run = json(tmt(dir, ['show', 'bad', '--json'])).run;
    expect(run.meta).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(run.logs.stderr.tail).toEqual(['oops']);
  });

  it('a command that does not exist is saved as failed with the reason, exit 127', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(dir, ['record', '-n', 'missing', '--', 'no-such-command-xyz', '--lr', '1']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/tmt: run \w+ failed \(command not found: no-such-command-xyz\)/);
    const run = json(tmt(dir, ['show', 'missing', '--json'])).run;
    expect(run.meta).toMatchObject({ status: 'failed', exitCode: 127, failure: 'command not found: no-such-command-xyz' });
  });

  it('a tmt killed with kill -9 leaves its run running, listed as stale', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const rec = startRecord(dir, ['-n', 'orphan', '--', 'python3', '-c', 'import time\nprint("ready", flush=True)\ntime.sleep(120)'], 'ready'); // killed by the test; long enough to outlast a loaded machine
    await rec.ready;
    // While it records, it cannot be deleted.
    const busy = tmt(dir, ['rm', 'orphan']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/^error: run \w+ is still recording \(pid \d+\)$/m);
    rec.child.kill('SIGKILL');
    await rec.done;
    const list = json(tmt(dir, ['list', '--json']));
    expect(list.runs[0]).toMatchObject({ name: 'orphan', status: 'stale' });
    expect(json(tmt(dir, ['list', '--status', 'stale', '--json'])).runs).toHaveLength(1);
    const id = list.runs[0].id;
    expect(git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`)).toMatch(/^status: running$/m);
    // Its command outlived tmt: the run cannot go while it still writes; once it ends, deleting the
    // stale run takes its run directory along.
    const runDir = path.join(dir, '.git/tmt/runs', id);
    const command = Number(fs.readFileSync(path.join(runDir, 'command.pid'), 'utf8'));
    expect(command).toBeGreaterThan(0); // never kill(0), this process's own group
    const held = tmt(dir, ['rm', id]);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(new RegExp(`^error: run ${id} lost its tmt, but its command \\(pid ${command}\\) still runs and writes there$`, 'm'));
    process.kill(command, 'SIGKILL');
    await waitForExit(command);
    expect(tmt(dir, ['rm', id]).code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.git/tmt/runs', id))).toBe(false);
    fsck(dir);
  });

  it('tmt recover finds the run directory of a run recorded in another worktree', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const wt = path.join(tempDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', wt);
    const py = 'import os, time\nopen(os.environ["TMT_METRICS"], "a").write(\'{"loss": 0.25}\\n\')\nprint("ready", flush=True)\ntime.sleep(30)';
    const rec = startRecord(wt, ['-n', 'elsewhere', '--', 'python3', '-c', py], 'ready');
    await rec.ready;
    const id = json(tmt(wt, ['list', '--json'])).runs[0].id;
    const runDir = path.join(dir, '.git/tmt/runs', id); // shared by every worktree
    const command = Number(fs.readFileSync(path.join(runDir, 'command.pid'), 'utf8'));
    expect(command).toBeGreaterThan(0); // never kill(0), this process's own group
    rec.child.kill('SIGKILL');
    await rec.done;
    // The command ends after tmt died, however long the steps above took on a loaded machine.
    process.kill(command, 'SIGKILL');
    await waitForExit(command);
    const r = tmt(dir, ['recover']);
    expect(r.stdout).toBe(`recovered run ${id} (elsewhere) as killed; kept 1 metric point, its logs and artifacts\n`);
    expect(json(tmt(dir, ['show', id, '--json'])).run.meta.metrics.loss).toMatchObject({ last: 0.25, count: 1 });
    expect(fs.existsSync(runDir)).toBe(false);
  });

  it('tmt recover ends a stale run as killed, keeping the metrics, logs and artifacts it had written', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save', '-n', 'done']);
    const py = [
      'import os, time',
      'm = open(os.environ["TMT_METRICS"], "a")',
      'for s in range(2): m.write(f\'{{"step": {s}, "acc": {0.5 + s / 10}}}\\n\')',
      'm.close()',
      'open(os.path.join(os.environ["TMT_ARTIFACTS"], "model.txt"), "w").write("w")',
      'print("ready", flush=True)',
      'time.sleep(120)', // killed by the test; long enough to outlast a loaded machine
    ].join('\n');
    const rec = startRecord(dir, ['-n', 'orphan', '--', 'python3', '-c', py], 'ready');
    await rec.ready;
    // tmt passes output on before its log write lands: wait for the log, as a real crash some time later would.
    const runsDir = path.join(dir, '.git/tmt/runs');
    const logged = () => fs.readdirSync(runsDir).some((d) => fs.readFileSync(path.join(runsDir, d, 'stdout.log'), 'utf8').includes('ready'));
    for (let i = 0; i < 100 && !logged(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    rec.child.kill('SIGKILL');
    await rec.done;
    const id = json(tmt(dir, ['list', '--status', 'stale', '--json'])).runs[0].id;
    // The command outlived tmt and still sleeps: recover leaves the run alone until it ends.
    const command = Number(fs.readFileSync(path.join(dir, '.git/tmt/runs', id, 'command.pid'), 'utf8'));
    expect(command).toBeGreaterThan(0); // never kill(0), this process's own group
    const waiting = tmt(dir, ['recover']);
    expect(waiting.code).toBe(0);
    expect(waiting.stderr).toBe(`warning: run ${id} left alone: its tmt died, but its command (pid ${command}) still runs; recover it once that ends\n`);
    expect(tmt(dir, ['recover', id]).stderr).toMatch(/still runs and may still write$/m);
    process.kill(command, 'SIGKILL');
    await waitForExit(command);
    const notStale = tmt(dir, ['recover', 'done']);
    expect(notStale.code).toBe(2);
    expect(notStale.stderr).toMatch(/^error: run \w+ is finished, not stale: there is nothing to recover$/m);

    const r = tmt(dir, ['recover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`recovered run ${id} (orphan) as killed; kept 2 metric points, its logs and artifacts\n`);
    const run = json(tmt(dir, ['show', id, '--json'])).run;
    expect(run.meta).toMatchObject({ status: 'killed', failure: 'tmt stopped before the run ended (recovered with tmt recover)' });
    expect(run.meta.metrics.acc).toMatchObject({ first: 0.5, last: 0.6, count: 2 });
    expect(run.artifacts).toEqual([{ path: 'model.txt', size: 1 }]);
    expect(run.logs.stdout.tail).toEqual(['ready']);
    expect(Date.parse(run.meta.ended)).toBeGreaterThanOrEqual(Date.parse(run.meta.started));
    expect(fs.existsSync(path.join(dir, '.git/tmt/runs', id))).toBe(false);
    expect(git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`)).toMatch(/^status: killed$/m);
    // Nothing left to recover.
    const again = tmt(dir, ['recover']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('no stale runs: nothing to recover\n');
    fsck(dir);
  });
});

/** Resolves once `pid` has exited (gone, or a zombie no reaper collected yet). */
async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    let state: string;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return;
    }
    if (state === 'Z') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`pid ${pid} did not exit`);
}

describe('names, tags and --env that could not be used later', () => {
  it('are refused before anything is written, one line each', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const cases: Array<[string[], RegExp]> = [
      [['save', '-n', 'last'], /^error: a run cannot be named "last": that selects the newest run$/],
      [['save', '-n', 'base~2'], /^error: a run cannot be named "base~2": NAME~N selects the Nth run before NAME$/],
      [['save', '-n', 'two\nlines'], /^error: a run name cannot hold control characters \(newlines, tabs\): "two\\nlines"$/],
      [['save', '-n', 'a~b~2'], /^error: a run cannot be named "a~b~2": NAME~N selects the Nth run before NAME$/],
      [['save', '-n', ' padded'], /^error: a run cannot be named " padded": selectors drop spaces at either end$/],
      [['save', '-n', 'x'.repeat(201)], /^error: a run name of 201 characters is too long \(at most 200\)$/],
      [['save', '-t', ''], /^error: a tag cannot be empty$/],
      [['record', '--env', '--', 'true'], /^error: --env takes the name of an environment variable, not "--"$/],
      [['record', '--env', 'A=B', '--', 'true'], /^error: --env takes the name of an environment variable, not "A=B"$/],
    ];
    for (const [args, message] of cases) {
      const r = tmt(dir, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stderr).toMatch(/^hint: /m);
    }
    expect(git(dir, 'for-each-ref', 'refs/tmt', 'refs/notes/tmt')).toBe('');
    tmt(dir, ['save', '-n', 'ok']);
    // A name ending in ~ without digits is reachable, so allowed.
    expect(tmt(dir, ['save', '-n', 'exp~']).code).toBe(0);
    expect(json(tmt(dir, ['show', 'exp~', '--json'])).run.meta.name).toBe('exp~');
    expect(tmt(dir, ['edit', 'ok', '-n', 'last~1']).code).toBe(2);
    expect(tmt(dir, ['edit', 'ok', '-t', ' ']).code).toBe(2);
    expect(json(tmt(dir, ['show', 'ok', '--json'])).run.meta).toMatchObject({ name: 'ok', tags: [] });
    // No subcommand is a usage error too (help on stderr), as with git; asking for help is not.
    expect([tmt(dir, []).code, tmt(dir, ['log']).code, tmt(dir, ['--help']).code, tmt(dir, ['log', '--help']).code]).toEqual([2, 2, 0, 0]);
    fsck(dir);
  });
});

describe('on a terminal', () => {
  // `script` gives tmt a terminal, as a researcher's shell would.
  const onTty = (cwd: string, cmd: string) =>
    spawnSync('script', ['-qefc', cmd, '/dev/null'], { cwd, env: { ...testEnv, TERM: 'xterm' }, encoding: 'utf8', input: '' });

  it('the command gets a terminal of its own, so progress bars work; the run still captures them', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const py = `import sys\nprint(sys.stdout.isatty(), sys.stderr.isatty())\nfor i in range(3): sys.stderr.write(f"\\rprogress {i}/3")\nprint()`;
    const r = onTty(dir, `node ${BIN} record -q -n tty -- python3 -c '${py}'`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('True True');
    const run = json(tmt(dir, ['show', 'tty', '--json'])).run;
    expect(run.meta.status).toBe('finished');
    const log = git(dir, 'cat-file', 'blob', `${run.meta.outputs}:logs/stdout`);
    expect(log).toContain('True True');
    expect(log).toContain('\rprogress 2/3');
    // tmt show draws the log tail as the terminal showed it: no CR at line ends, the last redraw of a
    // progress bar, colours dropped; anything else is still spelled out. (The terminal may echo
    // script's end of input, as ^@, before the first line.)
    const colored = `print("\\033[32mgreen\\033[0m done"); print("\\033]0;title\\007x")`;
    expect(onTty(dir, `node ${BIN} record -q -n colors -- python3 -c '${colored}'`).status).toBe(0);
    const shown = tmt(dir, ['show', 'tty']).stdout;
    expect(shown).toMatch(/^stdout \(2 lines; --log stdout for all\)\n {2}(\^@)?True True\n {2}progress 2\/3$/m);
    expect(shown).not.toMatch(/\\x0d|\r/);
    const tail = tmt(dir, ['show', 'colors']).stdout;
    expect(tmt(dir, ['show']).stdout).toBe(tail); // no run named: the last one
    expect(tail).toMatch(/^ {2}(\^@)?green done$/m);
    expect(tail).toMatch(/^ {2}\\x1b\]0;title\\x07x$/m);
  });

  it('--no-pty gives it pipes instead; a failing command keeps its exit code', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = onTty(dir, `node ${BIN} record -q --no-pty -n pipes -- python3 -c 'import sys; print(sys.stdout.isatty()); sys.exit(4)'`);
    expect(r.status).toBe(4);
    expect(r.stdout).toContain('False');
    expect(json(tmt(dir, ['show', 'pipes', '--json'])).run.meta).toMatchObject({ status: 'failed', exitCode: 4 });
    const missing = onTty(dir, `node ${BIN} record -q -n missing -- no-such-command-xyz`);
    expect(missing.status).toBe(127);
    expect(json(tmt(dir, ['show', 'missing', '--json'])).run.meta.failure).toMatch(/^command not found/);
  });
});

describe('capturing output', () => {
  it('a command printing 1,000,000 lines: everything captured, memory bounded', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const script = 'import sys\nw = sys.stdout.write\nfor i in range(1000000):\n    w(f"line {i} of the training log\\n")\n';
    const child = spawn(process.execPath, [BIN, 'record', '-q', '-n', 'chatty', '--', 'python3', '-c', script], { cwd: dir, env: testEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    child.stdout.on('data', (b: Buffer) => (bytes += b.length));
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearInterval(poll);
    expect(code).toBe(0);
    expect(bytes).toBeGreaterThan(30_000_000);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb).toBeLessThan(150 * 1024); // tmt's own peak RSS while passing ~33 MB through
    const id = json(tmt(dir, ['list', '--json'])).runs[0].id;
    const outputs = git(dir, 'rev-parse', `refs/tmt/runs/${id}^2`);
    expect(git(dir, 'cat-file', '-s', `${outputs}:logs/stdout`)).toBe(String(bytes));
    console.log(`1,000,000 lines (${(bytes / 1e6).toFixed(1)} MB) through tmt record: peak RSS ${(peakKb / 1024).toFixed(0)} MB`);
  }, 120_000);

  it('a full disk while capturing logs: the run is marked failed with the reason, the command is not killed', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const runs = path.join(dir, '.git/tmt/runs');
    fs.mkdirSync(runs, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', runs]).status === 0;
    if (!mounted) {
      console.warn('skipping the disk-full check: cannot mount a tmpfs here (not root?)');
      return;
    }
    try {
      const r = tmt(dir, ['record', '-n', 'full', '--', 'python3', '-c', 'import sys\nfor i in range(20000): print("x" * 60)\nprint("the end")']);
      expect(r.stdout.trim().split('\n')).toHaveLength(20001); // the pass-through kept going
      expect(r.stdout).toMatch(/the end\n$/);
      expect(r.stderr).toMatch(/failed \(capturing output failed: ENOSPC/);
      const run = json(tmt(dir, ['show', 'full', '--json'])).run;
      expect(run.meta.status).toBe('failed');
      expect(run.meta.exitCode).toBe(0);
      expect(run.meta.failure).toMatch(/^capturing output failed: ENOSPC/);
    } finally {
      spawnSync('umount', [runs]);
    }
    fsck(dir);
  });
});

describe('the metrics protocol', () => {
  it('bad lines get a warning naming the line; the rest is kept', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, {
      'metrics.txt': [
        '{"step": 1, "loss": 1.0, "acc": 0.5}',
        'this is not json',
        '{"step": 2, "loss": NaN, "acc": 0.6}',
        '{"step": 3, "loss": Infinity}',
        '{"step": 4, "acc": "high", "loss": 0.5}',
        '[1, 2, 3]',
        '',
        '{"step": 5, "loss": -Infinity, "acc": 0.9}',
        '{"loss": 0.25}',
      ].join('\n') + '\n',
    });
    const r = tmt(dir, ['record', '-n', 'messy', '--', 'sh', '-c', 'cat metrics.txt >> "$TMT_METRICS"']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      'warning: metrics line 2: not valid JSON; skipped',
      'warning: metrics line 5: "acc" is not a number ("high"); skipped',
      'warning: metrics line 6: not a JSON object; skipped',
    ]);
    // NaN and ±Infinity, as Python writes them, are points: min and max are of the finite ones.
    const m = json(tmt(dir, ['show', 'messy', '--json'])).run.meta;
    expect(m.metrics.loss).toEqual({ first: 1, last: 0.25, min: 0.25, max: 1, count: 6, minStep: 6, maxStep: 1 });
    expect(m.metrics.acc).toMatchObject({ first: 0.5, last: 0.9, count: 3 });
    expect(m.warnings).toHaveLength(3);
    const jsonl = git(dir, 'cat-file', 'blob', `${m.outputs}:metrics.jsonl`);
    expect(jsonl).toContain('{"step":2,"loss":NaN}\n{"step":3,"loss":Infinity}\n');
    expect(jsonl).toContain('{"step":5,"loss":-Infinity}');
  });

  it('a loss that diverged to NaN: kept as the last value, found by metrics.loss = nan, never best, shown as NaN', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const py = (last: string) => `import json, os\nf = open(os.environ["TMT_METRICS"], "a")\nfor s, v in enumerate([2.0, 1.0, ${last}]): f.write(json.dumps({"step": s, "loss": v}) + "\\n")`;
    expect(tmt(dir, ['record', '-q', '-n', 'fine', '--', 'python3', '-c', py('0.5')]).code).toBe(0);
    expect(tmt(dir, ['record', '-q', '-n', 'diverged', '--', 'python3', '-c', py('float("nan")')]).code).toBe(0);
    const note = git(dir, 'notes', '--ref=tmt', 'show', 'refs/tmt/runs/' + json(tmt(dir, ['list', '--json', '--where', 'name = diverged'])).runs[0].id);
    expect(note).toMatch(/^  loss:\n    first: 2\n    last: \.nan\n    min: 1\n    max: 2\n    count: 3\n/m);
    const names = (where: string) => json(tmt(dir, ['list', '--json', '--where', where])).runs.map((r: { name: string }) => r.name);
    expect(names('metrics.loss = nan')).toEqual(['diverged']);
    expect(names('metrics.loss < 1')).toEqual(['fine']); // NaN is neither above nor below
    expect(names('metrics.loss.min <= 1')).toEqual(['diverged', 'fine']);
    expect(json(tmt(dir, ['best', '--metric', 'loss', '--json'])).best[0].name).toBe('fine');
    expect(tmt(dir, ['compare', 'fine', 'diverged']).stdout).toMatch(/^metrics\.loss\s+0\.5\s+NaN$/m);
    expect(tmt(dir, ['list', '--where', 'name = diverged']).stdout).toMatch(/\sNaN\n$/);
    // tmt log and tmt save take nan and inf as numbers too, and write them bare.
    expect(tmt(dir, ['record', '-q', '-n', 'logged', '--', 'sh', '-c', 'tmt log metric loss=1 --step 0 && tmt log metric loss=inf --step 1']).code).toBe(0);
    const outputs = json(tmt(dir, ['show', 'logged', '--json'])).run.meta.outputs;
    expect(git(dir, 'cat-file', 'blob', `${outputs}:metrics.jsonl`)).toBe('{"step":0,"loss":1}\n{"step":1,"loss":Infinity}');
    expect(tmt(dir, ['save', '-n', 'saved', '-m', 'loss=NaN']).code).toBe(0);
    expect(names('metrics.loss = nan')).toEqual(['saved', 'diverged']);
    expect(names('metrics.loss = inf')).toEqual(['logged']);
    expect(tmt(dir, ['save', '-m', 'loss=high']).stderr).toMatch(/^error: metric loss must be a number, got "high"\n/);
  });
  it('diverged runs never win and are counted; a group with one is NaN; sorts put them after numbers; a hand-edited note keeps its NaN', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const save = (name: string, lr: number, loss: string) => expect(tmt(dir, ['save', '-n', name, '-p', `lr=${lr}`, '-m', `loss=${loss}`]).code).toBe(0);
    save('a', 0.1, '0.5');
    save('b', 0.1, 'nan');
    save('c', 0.01, '0.7');
    save('d', 0.01, 'inf');
    let r = tmt(dir, ['best', '--metric', 'loss', '--json']);
    expect(json(r).best[0].name).toBe('a');
    expect(r.stderr).toBe("warning: left out 2 runs whose loss is NaN or infinite (diverged); tmt list --where 'metrics.loss = nan' shows NaN ones\n");
    r = tmt(dir, ['best', '--metric', 'loss', '--where', 'name in (b, d)']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^warning: left out 2 runs .*\nerror: every run with a metric "loss" has it NaN or infinite\n/);
    const groups = json(tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.loss),count', '--json'])).groups;
    expect(groups.map((g: any) => [g.key['params.lr'], g.values['mean(metrics.loss)'], g.values.count])).toEqual([[0.01, null, 2], [0.1, null, 2]]); // NaN and Infinity; JSON has neither
    expect(tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.loss)', '--format', 'csv']).stdout).toBe('params.lr,mean(metrics.loss)\n0.01,Infinity\n0.1,NaN\n');
    const order = (sort: string) => json(tmt(dir, ['list', '--json', '--sort', sort])).runs.map((x: { name: string }) => x.name);
    expect(order('metrics.loss')).toEqual(['a', 'c', 'd', 'b']);
    expect(order('metrics.loss:desc,name')).toEqual(['c', 'a', 'b', 'd']);
    // A note edited by hand needs the full YAML parser; its NaN survives the catalog (it used to come back as 0).
    const idB = json(tmt(dir, ['list', '--json', '--where', 'name = b'])).runs[0].id;
    const text = git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${idB}`);
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', `# edited by hand\n${text}`, `refs/tmt/runs/${idB}`);
    for (let i = 0; i < 2; i++) {
      expect(json(tmt(dir, ['list', '--json', '--where', 'metrics.loss = nan'])).runs.map((x: { name: string }) => x.name)).toEqual(['b']);
      expect(json(tmt(dir, ['list', '--json', '--where', 'metrics.loss < 0.1'])).runs).toEqual([]);
    }
  });


  it('a metrics file the command deleted: what it wrote is kept, with a warning', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(dir, ['record', '-n', 'deleter', '--', 'sh', '-c', 'echo \'{"loss": 2}\' >> "$TMT_METRICS"; rm "$TMT_METRICS"']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the command deleted its metrics file \(\$TMT_METRICS\); kept what it had written$/m);
    expect(json(tmt(dir, ['show', 'deleter', '--json'])).run.meta.metrics.loss.last).toBe(2);
  });

  it('tmt log metric/param/artifact inside a recorded command, and --run outside one', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'plot.svg': '<svg/>' });
    // Bare `tmt`: tmt record puts itself on the command's PATH, installed or not.
    expect(spawnSync('sh', ['-c', 'command -v tmt'], { env: testEnv }).status).not.toBe(0);
    const inside = 'tmt log metric loss=0.5 acc=0.7 --step 1 && tmt log param batch=64 && tmt log artifact plot.svg';
    expect(tmt(dir, ['record', '-n', 'logged', '--', 'sh', '-c', inside]).code).toBe(0);
    let m = json(tmt(dir, ['show', 'logged', '--json'])).run;
    expect(m.meta.metrics.loss).toMatchObject({ last: 0.5, count: 1 });
    expect(m.meta.params).toMatchObject({ batch: 64 });
    expect(m.artifacts).toEqual([{ path: 'plot.svg', size: 6 }]);

    writeFiles(dir, { 'notes.txt': 'later\n' });
    expect(tmt(dir, ['log', 'metric', 'loss=0.25', '--step', '2', '--run', 'logged']).code).toBe(0);
    expect(tmt(dir, ['log', 'param', 'note=rerun', '--run', 'logged']).code).toBe(0);
    expect(tmt(dir, ['log', 'artifact', 'notes.txt', '--run', 'last']).code).toBe(0);
    m = json(tmt(dir, ['show', 'logged', '--json'])).run;
    expect(m.meta.metrics.loss).toMatchObject({ first: 0.5, last: 0.25, count: 2 });
    expect(m.meta.params).toMatchObject({ batch: 64, note: 'rerun' });
    expect(m.artifacts.map((a: { path: string }) => a.path)).toEqual(['notes.txt', 'plot.svg']);
    expect(m.logs.stdout.lines).toBe(0);
    expect(git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${m.id}`)).toMatch(/note: rerun/);
    fsck(dir);

    const r = tmt(dir, ['log', 'metric', 'loss=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no run to log to\nhint: /);
  });
});

describe('params and environment', () => {
  it('params from a file, the command line and -p, later winning; numbers stay numbers', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { 'config.yaml': 'lr: 0.1\nepochs: 3\nmodel: {depth: 4}\n' });
    const r = tmt(dir, ['record', '--params-file', 'config.yaml', '-p', 'epochs=7', '--', 'python3', '-u', '-c', 'pass', '--lr=0.01', '-e', '5', '--amp', '--name', 'x y']);
    expect(r.code).toBe(0);
    const p = json(tmt(dir, ['show', 'last', '--json'])).run.meta.params;
    expect(p).toEqual({ lr: 0.01, epochs: 7, model: { depth: 4 }, e: 5, amp: true, name: 'x y' });
  });

  it('environment variables are captured only on request', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const env = { SECRET_TOKEN: 'hunter2', WANDB_MODE: 'offline' };
    expect(tmt(dir, ['record', '--', 'true'], env).code).toBe(0);
    expect(git(dir, 'notes', '--ref=tmt', 'show', 'refs/tmt/runs/' + json(tmt(dir, ['list', '--json'])).runs[0].id)).not.toMatch(/hunter2|SECRET/);
    expect(tmt(dir, ['record', '--env', 'WANDB_MODE', '--', 'true'], env).code).toBe(0);
    const meta = json(tmt(dir, ['show', 'last', '--json'])).run.meta;
    expect(meta.env).toEqual({ WANDB_MODE: 'offline' });
  });
});

describe('run selectors', () => {
  it('id prefix, last, last~N, NAME, NAME~N, and errors listing candidates', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const ids = ['alpha', 'beta', 'alpha', 'gamma'].map((n) => tmt(dir, ['save', '-n', n]).stdout.trim());
    const pick = (sel: string) => json(tmt(dir, ['show', sel, '--json'])).run.id;
    expect(pick('last')).toBe(ids[3]);
    expect(pick('last~1')).toBe(ids[2]);
    expect(pick('last~3')).toBe(ids[0]);
    expect(pick('alpha')).toBe(ids[2]);
    expect(pick('alpha~1')).toBe(ids[0]);
    expect(pick('beta~0')).toBe(ids[1]);
    expect(pick(ids[1]!.slice(0, 20))).toBe(ids[1]);
    expect(pick(ids[1]!)).toBe(ids[1]);

    const ambiguous = tmt(dir, ['show', ids[0]!.slice(0, 3)]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^error: "\w{3}" is ambiguous: type more characters of the id\nhint: candidates: /);
    for (const id of ids) expect(ambiguous.stderr).toContain(id.slice(0, 12));

    const unknown = tmt(dir, ['show', 'delta']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^error: no run matches "delta"\nhint: recent runs: .*\(gamma\)/);

    const tooFar = tmt(dir, ['show', 'alpha~2']);
    expect(tooFar.code).toBe(4);
    expect(tooFar.stderr).toMatch(/^error: no run matches "alpha~2": only 2 runs to go back through\nhint: the oldest is alpha~1$/m);
    expect(tmt(dir, ['show', 'last~9']).code).toBe(4);

    // A name that is also an id prefix is ambiguous.
    const clash = ids[3]!.slice(0, 4);
    tmt(dir, ['save', '-n', clash]);
    const both = tmt(dir, ['show', clash]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/is both a run name and an id prefix/);
    expect(pick(`${clash}~0`)).not.toBe(ids[3]);
  });
});

describe('list filters and output', () => {
  it('--name, --status, --tag, --since/--until, --limit, and the table', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save', '-n', 'lr-1', '-t', 'sweep', '-m', 'acc=0.5']);
    tmt(dir, ['save', '-n', 'lr-2', '-t', 'sweep', '-t', 'best', '-m', 'acc=0.9']);
    tmt(dir, ['record', '-n', 'broken', '--', 'false']);
    const names = (args: string[]) => json(tmt(dir, ['list', '--json', ...args])).runs.map((r: { name: string }) => r.name);
    expect(names([])).toEqual(['broken', 'lr-2', 'lr-1']);
    expect(names(['--name', '^lr-'])).toEqual(['lr-2', 'lr-1']);
    expect(names(['--status', 'failed'])).toEqual(['broken']);
    expect(names(['--status', 'finished,failed', '--limit', '2'])).toEqual(['broken', 'lr-2']);
    expect(names(['--tag', 'sweep', '--tag', 'best'])).toEqual(['lr-2']);
    expect(names(['--since', '1h'])).toHaveLength(3);
    expect(names(['--since', 'yesterday', '--until', 'now'])).toHaveLength(3);
    expect(names(['--until', '2000-01-01'])).toEqual([]);

    const table = tmt(dir, ['ls']).stdout.split('\n');
    expect(table[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+acc$/);
    expect(table[1]).toMatch(/^\w{8,}\s+broken\s+failed\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\S+\s*$/);
    expect(table[2]).toMatch(/lr-2\s+finished.*0\.9$/);
    expect(tmt(dir, ['ls']).stdout).not.toMatch(/\u001b\[/); // no colour off a TTY

    for (const [args, message] of [
      [['--since', 'banana'], /^error: --since: cannot read "banana" as a time\nhint: /],
      [['--status', 'done'], /^error: --status: unknown status "done"\nhint: one of running, finished/],
      [['--name', '('], /^error: --name: invalid regular expression/],
      [['--limit', '0'], /^error: --limit: expected a whole number of 1 or more, got "0"/],
    ] as const) {
      const r = tmt(dir, ['list', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('bad input to record', () => {
  it('not a git repository: nothing runs', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tmt-norepo-'));
    const r = tmt(dir, ['record', '--', 'touch', 'ran']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: not a git repository/);
    expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });

  it('no -- and a command line that mentions tmt options is refused as ambiguous', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(dir, ['record', 'python3', 'train.py', '-n', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: ambiguous command line: "-n" after the command could be meant for tmt or for python3\n' +
        "hint: put tmt's options first and -- before the command: tmt record [options] -- python3 train.py -n 5\n",
    );
    expect(tmt(dir, ['record', '-q', 'sh', '-c', 'exit 0']).code).toBe(0); // unambiguous without --
    const empty = tmt(dir, ['record']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: no command to record\nhint: /);
  });

  it('a read-only .git: a one-line error, and the command does not start', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    spawnSync('chmod', ['-R', 'a-w', path.join(dir, '.git')]);
    try {
      const caps = '-dac_override,-dac_read_search';
      const asRoot = process.getuid?.() === 0;
      const argv = [BIN, 'record', '--', 'touch', 'ran'];
      const r = asRoot
        ? spawnSync('setpriv', [`--bounding-set=${caps}`, `--inh-caps=${caps}`, process.execPath, ...argv], { cwd: dir, env: testEnv, encoding: 'utf8' })
        : spawnSync(process.execPath, argv, { cwd: dir, env: testEnv, encoding: 'utf8' });
      expect(r.stderr).toMatch(oneLine);
      expect(r.stderr).toMatch(/permission denied|read-only/i);
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBe(70);
      expect(fs.existsSync(path.join(dir, 'ran'))).toBe(false);
    } finally {
      spawnSync('chmod', ['-R', 'u+w', path.join(dir, '.git')]);
    }
    expect(gitRaw(dir, ['for-each-ref', 'refs/tmt']).stdout).toBe('');
  });
});

const oneLine = /^error: [^\n]+\n(hint: [^\n]+\n)?$/;

describe('concurrent recording', () => {
  it('8 tmt record processes in one repo: every run complete', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const script = 'import json, os\nfor s in range(3):\n    open(os.environ["TMT_METRICS"], "a").write(json.dumps({"step": s, "loss": 1 / (s + 1)}) + "\\n")\nprint("worker done")';
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => tmtAsync(dir, ['record', '-q', '-n', `w${i}`, '--', 'python3', '-c', script])));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const runs = json(tmt(dir, ['list', '--json'])).runs;
    expect(runs).toHaveLength(8);
    for (const run of runs) {
      const d = json(tmt(dir, ['show', run.id, '--json'])).run;
      expect(d.meta.status).toBe('finished');
      expect(d.meta.metrics.loss.count).toBe(3);
      expect(d.logs.stdout.tail).toEqual(['worker done']);
    }
    expect(new Set(runs.map((r: { name: string }) => r.name)).size).toBe(8);
    fsck(dir);
  }, 120_000);
});
