import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';
import { envWithTmtOnPath } from './helpers/tmt-on-path.js';

afterAll(cleanupTemp);

/**
 * The recorded script: logs points with and without steps, several metrics a
 * line, NaN and infinities, the smallest and largest doubles, values that
 * print with 17 digits, a fractional and a negative step; and writes down
 * every line it logged (argv[1]) for the check below.
 */
const TRAIN = `
import json, os, random, sys
lines = []
def log(step=None, **values):
    line = dict(values) if step is None else {"step": step, **values}
    lines.append(line)
    with open(os.environ["TMT_METRICS"], "a") as f:
        f.write(json.dumps(line) + "\\n")
log(0, loss=1.0, acc=0.1)
log(loss=0.5)
log(loss=float("nan"), acc=0.2)
log(3, loss=float("inf"), acc=float("-inf"))
log(4, loss=0.1 + 0.2, acc=1e-300)
log(loss=5e-324)
log(10, loss=1.7976931348623157e308, **{"val/loss": 123456789.123456789, "odd name, \\"quoted\\"": 2})
log(2.5, loss=2.0)
log(-3, acc=7)
random.seed(int(sys.argv[2]))
for i in range(200):
    log(100 + i, noise=random.random() * 10 ** random.randint(-20, 20))
json.dump(lines, open(sys.argv[1], "w"))
`;

/**
 * Reads \`tmt metrics\` with Python's csv module and checks it against the
 * lines the script logged: every point, its step as logged (or, logged
 * without one, the metric's previous step + 1, the first 0), its value the
 * same double (repr equal; NaN as NaN).
 */
const CHECK = `
import csv, io, json, math, subprocess, sys
logged = json.load(open(sys.argv[1]))
run = sys.argv[2]
expected = {}
for line in logged:
    for name, value in line.items():
        if name == "step":
            continue
        points = expected.setdefault(name, [])
        step = line["step"] if "step" in line else (points[-1][0] + 1 if points else 0)
        points.append((float(step), value))
text = subprocess.run(["tmt", "metrics", run, *sys.argv[3:]], check=True, capture_output=True, text=True).stdout
rows = list(csv.DictReader(io.StringIO(text)))
got = {}
for row in rows:
    assert row["run"] == run, row
    got.setdefault(row["name"], []).append((float(row["step"]), float(row["value"])))
assert list(got) == [n for n in expected], (list(got), list(expected))
for name, points in expected.items():
    assert len(got[name]) == len(points), name
    for (gs, gv), (es, ev) in zip(got[name], points):
        assert gs == es, (name, gs, es)
        assert (math.isnan(gv) and math.isnan(ev)) or repr(gv) == repr(float(ev)), (name, gv, ev)
print(len(rows), "points", ",".join(rows[0].keys()))
`;

describe('tmt metrics', () => {
  it("long format, read back by Python's csv module: exactly the points the script logged, NaN and infinities included; the same from a clone after tmt fetch", async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    const scratch = tempDir('tmt-metrics-');
    fs.writeFileSync(path.join(scratch, 'train.py'), TRAIN);
    fs.writeFileSync(path.join(scratch, 'check.py'), CHECK);
    const logged = path.join(scratch, 'logged.json');
    const r = await tmtAsync(dir, ['record', '-q', '-n', 'pts', '--', 'python3', path.join(scratch, 'train.py'), logged, '7']);
    expect(r.code, r.stderr).toBe(0);
    const id = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
    const check = (cwd: string, ...args: string[]) => execFileSync('python3', [path.join(scratch, 'check.py'), logged, id, ...args], { cwd, env: envWithTmtOnPath(), encoding: 'utf8' });
    expect(check(dir)).toBe('215 points run,name,step,value\n');
    expect(check(dir, '--params', 'lr')).toBe('215 points run,name,step,value,params.lr\n');
    const csv = (await tmtAsync(dir, ['metrics', id])).stdout;
    expect(csv.split('\n').slice(0, 6)).toEqual([
      'run,name,step,value',
      `${id},loss,0,1`,
      `${id},loss,1,0.5`,
      `${id},loss,2,NaN`,
      `${id},loss,3,Infinity`,
      `${id},loss,4,0.30000000000000004`,
    ]);
    expect(csv).toContain(`${id},loss,5,5e-324\n${id},loss,10,1.7976931348623157e+308\n${id},loss,2.5,2\n`);
    expect(csv).toContain(`${id},acc,3,-Infinity\n${id},acc,4,1e-300\n${id},acc,-3,7\n`);
    expect(csv).toContain(`${id},"odd name, ""quoted""",10,2\n`);

    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const clone = cloneOf(bare);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    expect(check(clone)).toBe('215 points run,name,step,value\n');
    expect((await tmtAsync(clone, ['metrics', id])).stdout).toBe(csv);
  });

  it('several runs, --metric, --params, --where, tsv and json', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const ids: string[] = [];
    for (const [lr, model] of [[0.1, 'small'], [0.01, 'big']] as const) {
      const lines = [`{"step":0,"loss":${lr * 10},"acc":0.5}`, `{"step":1,"loss":NaN,"acc":0.75}`].map((l) => `echo '${l}' >> "$TMT_METRICS"`).join('; ');
      const r = await tmtAsync(dir, ['record', '-q', '-n', model, '-p', `lr=${lr}`, '--', 'sh', '-c', lines]);
      expect(r.code, r.stderr).toBe(0);
      ids.push(JSON.parse((await tmtAsync(dir, ['list', '--json'])).stdout).runs[0].id);
    }
    const [a, b] = [ids[0]!, ids[1]!];
    let r = await tmtAsync(dir, ['metrics', 'small', 'big', '--metric', 'loss', '--params', 'lr,model']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`run,name,step,value,params.lr,params.model\n${a},loss,0,1,0.1,\n${a},loss,1,NaN,0.1,\n${b},loss,0,0.1,0.01,\n${b},loss,1,NaN,0.01,\n`);
    expect(r.stderr).toBe('warning: no run has params.model (a typo?)\n');
    // The default is the last run; --where adds runs oldest first; a run named twice is listed once.
    expect((await tmtAsync(dir, ['metrics', '-m', 'acc'])).stdout).toBe(`run,name,step,value\n${b},acc,0,0.5\n${b},acc,1,0.75\n`);
    r = await tmtAsync(dir, ['metrics', 'big', '--where', 'params.lr > 0', '-m', 'acc', '-m', 'loss', '--format', 'tsv']);
    expect(r.stdout.split('\n').map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual(['run name', `${b} acc`, `${b} acc`, `${b} loss`, `${b} loss`, `${a} acc`, `${a} acc`, `${a} loss`, `${a} loss`, '']);
    r = await tmtAsync(dir, ['metrics', 'small', '--json', '--params', 'lr']);
    expect(JSON.parse(r.stdout)).toEqual({
      schemaVersion: 1,
      columns: ['run', 'name', 'step', 'value', 'params.lr'],
      points: [
        { run: a, name: 'loss', step: 0, value: 1, 'params.lr': 0.1 },
        { run: a, name: 'loss', step: 1, value: null, 'params.lr': 0.1 },
        { run: a, name: 'acc', step: 0, value: 0.5, 'params.lr': 0.1 },
        { run: a, name: 'acc', step: 1, value: 0.75, 'params.lr': 0.1 },
      ],
    });
    // A metric no run logged, a run without points: warnings, the header still printed.
    r = await tmtAsync(dir, ['metrics', 'small', '-m', 'los']);
    expect(r).toMatchObject({ code: 0, stdout: 'run,name,step,value\n', stderr: 'warning: the run logged no metric "los" (a typo?)\n' });
    const saved = (await tmtAsync(dir, ['save', '-n', 'notebook', '-m', 'acc=0.9'])).stdout.trim();
    r = await tmtAsync(dir, ['metrics', 'notebook']);
    expect(r).toMatchObject({ code: 0, stdout: 'run,name,step,value\n' });
    expect(r.stderr).toBe(`warning: the run logged no points (${saved.slice(0, 12)}); final values saved with tmt save -m are in tmt show\n`);
  });

  it('bad input and missing objects: one line and a hint', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    expect((await tmtAsync(dir, ['record', '-q', '-n', 'one', '--', 'sh', '-c', `echo '{"loss":1}' >> "$TMT_METRICS"`])).code).toBe(0);
    for (const [args, code, message] of [
      [['--limit', '2'], 2, /^error: --limit goes with --where$/],
      [['--format', 'xml'], 2, /^error: --format: unknown format "xml"$/],
      [['--params', ''], 2, /^error: --params is empty$/],
      [['--params', 'a b'], 2, /^error: --params: /],
      [['--where', 'params.lr >'], 2, /^error: --where: /],
      [['nosuch'], 4, /^error: no run matches "nosuch"$/],
      [['--where', 'params.lr > 5'], 4, /^error: no run matches --where "params.lr > 5"$/],
    ] as const) {
      const r = await tmtAsync(dir, ['metrics', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stderr).toMatch(/^hint: /m);
    }
    const id = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/tmt/runs/');
    const outputs = git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`).match(/^outputs: ([0-9a-f]{40})$/m)![1]!;
    const blob = git(dir, 'rev-parse', `${outputs}:metrics.jsonl`);
    fs.rmSync(path.join(dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const r = await tmtAsync(dir, ['metrics', 'one']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`^error: run ${id.slice(0, 12)} \\(one\\): its outputs \\(logs, metrics, artifacts\\) is not complete in this repository \\(object ${blob.slice(0, 12)} is missing\\)\\nhint: get the run in full with tmt fetch`));
    expect(r.stdout).toBe('');
  });
});
