import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, writeFiles } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** 12 runs: lr x seed, with acc and loss; plus one failed run without metrics. */
let dir: string;
beforeAll(() => {
  dir = makeRepo({ 'train.py': 'x\n' });
  const lrs = [0.001, 0.01, 0.1];
  for (const [i, lr] of lrs.entries()) {
    for (let seed = 1; seed <= 4; seed++) {
      const acc = 0.5 + i * 0.1 + seed * 0.01;
      const args = ['save', '-n', `lr${lr}-s${seed}`, '-p', `lr=${lr}`, '-p', `seed=${seed}`, '-p', `opt=${seed % 2 ? 'adam' : 'sgd'}`, '-m', `acc=${acc}`, '-m', `loss=${1 - acc}`];
      if (seed === 1) args.push('-t', 'first');
      expect(tmt(dir, args).code).toBe(0);
    }
  }
  tmt(dir, ['record', '-q', '-n', 'broken', '--', 'false']);
}, 120_000);

const names = (args: string[]) => json(tmt(dir, ['list', '--json', ...args])).runs.map((r: { name: string }) => r.name);

describe('tmt list --where / --sort / --limit', () => {
  it('filters with and/or/not, sorts by a metric and limits', () => {
    expect(names(['--where', 'metrics.acc > 0.7 and params.lr < 0.5', '--sort', 'metrics.acc:desc', '--limit', '3'])).toEqual(['lr0.1-s4', 'lr0.1-s3', 'lr0.1-s2']);
    expect(names(['--where', 'params.lr = 0.01 and (params.seed = 1 or params.seed = 4)', '--sort', 'params.seed'])).toEqual(['lr0.01-s1', 'lr0.01-s4']);
    expect(names(['--where', 'not exists metrics.acc'])).toEqual(['broken']);
    expect(names(['--where', 'tags has first', '--sort', 'params.lr:desc'])).toEqual(['lr0.1-s1', 'lr0.01-s1', 'lr0.001-s1']);
    expect(names(['--where', 'name ~ "^lr0\\.001" and params.opt in (sgd)', '--sort', 'name'])).toEqual(['lr0.001-s2', 'lr0.001-s4']);
    expect(names(['--where', 'name ~ "(?i)^LR0\\.001-S[24]"', '--sort', 'name'])).toEqual(['lr0.001-s2', 'lr0.001-s4']); // (?i) ignores case
    expect(names(['--name', '(?i)BROKEN'])).toEqual(['broken']);
    expect(names(['--where', 'status = failed or metrics.acc.max >= 0.74', '--sort', 'name'])).toEqual(['broken', 'lr0.1-s4']);
    expect(names(['--where', 'started > -1h'])).toHaveLength(13);
    expect(names(['--where', 'started < 2020-01-01'])).toEqual([]);
  });

  it('runs missing the sort key sort last, whatever the direction', () => {
    expect(names(['--sort', 'metrics.acc:asc']).at(-1)).toBe('broken');
    expect(names(['--sort', 'metrics.acc:desc']).at(-1)).toBe('broken');
    expect(names(['--sort', 'params.opt,metrics.acc:desc', '--limit', '2'])).toEqual(['lr0.1-s3', 'lr0.1-s1']);
  });
});

describe('formats and columns', () => {
  it('csv flattens nested params into dotted columns, as compare does, with duration in seconds', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    writeFiles(d, { 'p.yaml': 'model:\n  depth: 4\n  opt: adam\nlr: 0.1\n' });
    tmt(d, ['record', '-q', '-n', 'nested', '--params-file', 'p.yaml', '--', 'sleep', '0.2']);
    const [header, row] = tmt(d, ['list', '--format', 'csv']).stdout.trim().split('\n');
    expect(header).toBe('id,name,status,started,duration,tags,params.lr,params.model.depth,params.model.opt');
    const cells = row!.split(',');
    expect(cells.slice(6)).toEqual(['0.1', '4', 'adam']);
    expect(Number(cells[4])).toBeGreaterThan(0.15);
    expect(Number(cells[4])).toBeLessThan(30);
    const compare = tmt(d, ['compare', 'nested', '--format', 'csv']).stdout;
    expect(compare).toMatch(/^params\.model\.depth,4$/m);
    expect(Number(/^duration,(.*)$/m.exec(compare)![1])).toBeCloseTo(Number(cells[4]), 6);
  });

  it('csv that pandas reads: header of fields, params and metrics as columns, raw numbers', () => {
    const csv = tmt(dir, ['list', '--format', 'csv', '--where', 'params.lr = 0.1', '--sort', 'params.seed']).stdout.split('\n');
    expect(csv[0]).toBe('id,name,status,started,duration,tags,params.lr,params.opt,params.seed,metrics.acc,metrics.loss');
    const first = csv[1]!.split(',');
    expect(first[1]).toBe('lr0.1-s1');
    expect(first[0]).toMatch(/^[0-9a-z]{26}$/);
    expect(Number(first[9])).toBeCloseTo(0.71, 10);
    expect(first[5]).toBe('first');
    expect(csv).toHaveLength(6); // header, 4 rows, trailing newline
  });

  it('tsv, markdown and custom columns', () => {
    const tsv = tmt(dir, ['list', '--format', 'tsv', '--columns', 'name,params.lr,metrics.acc', '--where', 'params.seed = 2', '--sort', 'params.lr']).stdout;
    expect(tsv).toBe('name\tparams.lr\tmetrics.acc\nlr0.001-s2\t0.001\t0.52\nlr0.01-s2\t0.01\t0.62\nlr0.1-s2\t0.1\t0.72\n');
    const md = tmt(dir, ['list', '--format', 'md', '--columns', 'name,metrics.acc', '--where', 'params.seed = 2', '--sort', 'params.lr']).stdout;
    expect(md.split('\n').slice(0, 3)).toEqual(['| name | metrics.acc |', '|---|---|', '| lr0.001-s2 | 0.52 |']);
    const table = tmt(dir, ['list', '--columns', 'name,params.opt', '--limit', '1', '--sort', 'name']).stdout;
    expect(table).toBe('name    params.opt\nbroken  \n');
  });
});

describe('group-by and aggregation', () => {
  it('averages seeds per learning rate', () => {
    const out = json(tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.acc),std(metrics.acc),min(metrics.acc),max(metrics.acc),count', '--where', 'exists params.lr', '--json']));
    expect(out.schemaVersion).toBe(1);
    const byLr = Object.fromEntries(out.groups.map((g: any) => [g.key['params.lr'], g.values]));
    expect(byLr[0.01]['mean(metrics.acc)']).toBeCloseTo(0.625, 10);
    expect(byLr[0.01]['std(metrics.acc)']).toBeCloseTo(Math.sqrt((0.015 ** 2 * 2 + 0.005 ** 2 * 2) / 3), 10);
    expect(byLr[0.1]).toMatchObject({ 'min(metrics.acc)': 0.71, 'max(metrics.acc)': 0.74, count: 4 });
  });

  it('several keys, as csv', () => {
    const csv = tmt(dir, ['list', '--group-by', 'params.lr,params.opt', '--agg', 'mean(metrics.acc),count', '--where', 'exists params.lr', '--sort', 'params.lr', '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe('params.lr,params.opt,mean(metrics.acc),count');
    expect(csv).toHaveLength(7);
    expect(csv).toContain('0.001,adam,0.52,2');
  });
});

describe('params of mixed kinds', () => {
  let d: string;
  beforeAll(() => {
    d = makeRepo({ 'a.py': 'a\n' });
    fs.writeFileSync(path.join(d, '..', 'lr-text.json'), '{"lr": "0.01", "seed": "007"}');
    tmt(d, ['save', '-n', 'num', '-p', 'lr=0.01', '-p', 'seed=1', '-m', 'acc=0.5']);
    tmt(d, ['save', '-n', 'text-num', '-p', 'lr=0.1', '-p', 'seed=064', '-m', 'acc=0.7']);
    tmt(d, ['save', '-n', 'word', '-p', 'lr=fast', '-m', 'acc=0.9']);
    tmt(d, ['save', '-n', 'big', '-p', 'lr=200', '-m', 'acc=0.6']);
    expect(tmt(d, ['record', '-q', '-n', 'from-file', '--params-file', path.join(d, '..', 'lr-text.json'), '--', 'sh', '-c', 'echo \'{"acc": 0.8}\' >> "$TMT_METRICS"']).code).toBe(0);
  }, 60_000);
  const names = (args: string[]) => json(tmt(d, ['list', '--json', ...args])).runs.map((r: { name: string }) => r.name);

  it('text is neither above nor below a number, but a numeric string compares as its number', () => {
    expect(names(['--where', 'params.lr > 100'])).toEqual(['big']);
    expect(names(['--where', 'params.lr < 100', '--sort', 'name'])).toEqual(['from-file', 'num', 'text-num']);
    expect(names(['--where', 'params.lr = fast'])).toEqual(['word']);
    expect(names(['--where', 'params.lr != 0.01', '--sort', 'name'])).toEqual(['big', 'text-num', 'word']);
    expect(names(['--where', 'params.lr > "a"'])).toEqual(['word']); // quoted: text against text
  });

  it('sorts numbers first, then text, then runs without the key, in either direction', () => {
    expect(names(['--sort', 'params.lr:desc,name'])).toEqual(['big', 'text-num', 'from-file', 'num', 'word']);
    expect(names(['--sort', 'params.lr,name'])).toEqual(['from-file', 'num', 'text-num', 'big', 'word']);
  });

  it('zero-padded values stay text, as written', () => {
    expect(names(['--where', 'params.seed = "064"'])).toEqual(['text-num']);
    expect(json(tmt(d, ['show', 'text-num', '--json'])).run.meta.params.seed).toBe('064');
    expect(names(['--where', 'params.seed = 64'])).toEqual(['text-num']); // still a number to a number
    expect(json(tmt(d, ['show', 'num', '--json'])).run.meta.params.seed).toBe(1);
  });

  it('lr "0.01" from a params file and lr 0.01 from argv are one group, and groups come in key order', () => {
    const out = json(tmt(d, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.acc),count', '--json']));
    expect(out.groups.map((g: any) => [g.key['params.lr'], g.values.count])).toEqual([[0.01, 2], [0.1, 1], [200, 1], ['fast', 1]]);
    expect(out.groups[0].values['mean(metrics.acc)']).toBeCloseTo(0.65, 10);
    const best = json(tmt(d, ['best', '--metric', 'acc', '--group-by', 'params.lr', '--json'])).best;
    expect(best.map((b: any) => [b.group['params.lr'], b.name])).toEqual([[0.01, 'from-file'], [0.1, 'text-num'], [200, 'big'], ['fast', 'word']]);
    // Runs without the key are a group of their own, last, shown with a dash on screen and empty in CSV.
    expect(tmt(d, ['list', '--group-by', 'params.seed']).stdout.trimEnd().split('\n').at(-1)).toMatch(/^—\s+2$/);
    expect(tmt(d, ['list', '--group-by', 'params.seed', '--format', 'csv']).stdout.trimEnd().split('\n').at(-1)).toBe(',2');
  });
});

describe('dates are local time, and a date is its whole day', () => {
  it('TZ=Asia/Tokyo: dates, today and --since/--until read in local time, as the table shows them', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'only']);
    const started = json(tmt(d, ['list', '--json'])).runs[0].started as string;
    const tokyo = { TZ: 'Asia/Tokyo' };
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(started));
    const count = (args: string[]) => json(tmt(d, ['list', '--json', ...args], tokyo)).runs.length;
    expect(count(['--where', `started = ${day}`])).toBe(1);
    expect(count(['--where', `started >= ${day} and started <= ${day}`])).toBe(1);
    expect(count(['--where', `started > ${day}`])).toBe(0); // after that day
    expect(count(['--where', `started < ${day}`])).toBe(0);
    expect(count(['--since', day, '--until', day])).toBe(1); // --until a date includes it
    expect(count(['--where', 'started = today'])).toBe(1);
    expect(count(['--since', 'today'])).toBe(1);
    expect(count(['--where', 'started = yesterday'])).toBe(0);
    const minuteBefore = new Date(Date.parse(started) - 60_000).toISOString().slice(0, 16);
    expect(count(['--where', `started > ${minuteBefore}Z`])).toBe(1); // a zone is taken as written
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', dateStyle: 'short', timeStyle: 'short' }).format(new Date(started));
    expect(tmt(d, ['list'], tokyo).stdout).toContain(local);
    // ended too, in the reading formats; CSV keeps the stored ISO text.
    expect(tmt(d, ['list', '--columns', 'started,ended', '--format', 'md'], tokyo).stdout).toBe(`| started | ended |\n|---|---|\n| ${local} | ${local} |\n`);
    expect(tmt(d, ['list', '--columns', 'ended', '--format', 'csv'], tokyo).stdout).toMatch(/^ended\n\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
  });

  it('a day that does not exist is an error, not a guess', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    let r = tmt(d, ['list', '--where', 'started > 2026-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --where: expected a date .* found "2026-02-30"/);
    r = tmt(d, ['list', '--until', '2026-13-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --until: cannot read "2026-13-01" as a time\nhint: /);
    expect(tmt(d, ['list', '--where', 'started > 2024-02-29T23:59']).code).toBe(0);
    expect(tmt(d, ['list', '--where', 'started > 2026-01-01T00:00+99:99']).code).toBe(2);
    // Years before 100 are themselves, not 19xx: a run started today is after 0050 and before 0099-12-31 is false.
    tmt(d, ['save']);
    expect(json(tmt(d, ['list', '--json', '--where', 'started > 0050-06-01'])).runs).toHaveLength(1);
    expect(json(tmt(d, ['list', '--json', '--where', 'started < 1950-01-01 and started > 0050-06-01'])).runs).toHaveLength(0);
    expect(json(tmt(d, ['list', '--json', '--where', 'started > 0000-02-29'])).runs).toHaveLength(1); // year 0 was a leap year
  });
});

describe('names with spaces and dots', () => {
  it('are written quoted in --where, --columns, --sort and --group-by', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'one', '-p', 'my key=1', '-p', 'a.b=x', '-p', 'x,y=3', '-p', 'a:b=4', '-m', 'weird metric=0.5', '-m', 'val/loss=2']);
    tmt(d, ['save', '-n', 'two', '-p', 'my key=2', '-m', 'weird metric=0.7', '-m', 'val/loss=1']);
    const names = (args: string[]) => json(tmt(d, ['list', '--json', ...args])).runs.map((r: { name: string }) => r.name);
    expect(names(['--where', 'params."my key" = 1'])).toEqual(['one']);
    expect(names(['--where', 'metrics."weird metric".max > 0.6'])).toEqual(['two']);
    expect(names(['--where', 'exists params."a.b"'])).toEqual(['one']);
    expect(names(['--where', 'metrics.val/loss < 1.5'])).toEqual(['two']);
    expect(names(['--sort', 'metrics."weird metric":desc'])).toEqual(['two', 'one']);
    const csv = tmt(d, ['list', '--format', 'csv', '--columns', 'name,params."my key",metrics."weird metric"', '--sort', 'name']).stdout;
    expect(csv).toBe('name,"params.""my key""","metrics.""weird metric"""\none,1,0.5\ntwo,2,0.7\n');
    expect(json(tmt(d, ['list', '--group-by', 'params."my key"', '--json'])).groups.map((g: any) => g.key['params."my key"'])).toEqual([1, 2]);
    // Commas and colons inside quotes are part of the name, in every flag that takes fields.
    expect(tmt(d, ['list', '--format', 'csv', '--columns', 'name,params."x,y",params."a:b"', '--where', 'exists params."x,y"']).stdout).toBe('name,"params.""x,y""","params.""a:b"""\none,3,4\n');
    expect(names(['--sort', 'params."a:b":desc,name'])).toEqual(['one', 'two']);
    expect(json(tmt(d, ['list', '--group-by', 'params."x,y"', '--agg', 'mean(params."a:b"),count', '--json'])).groups.map((g: any) => [g.key['params."x,y"'], g.values])).toEqual([
      [3, { 'mean(params."a:b")': 4, count: 1 }],
      [null, { 'mean(params."a:b")': null, count: 1 }],
    ]);
    const r = tmt(d, ['list', '--where', 'params."my key = 1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --where: expected a closing " for this name at column 8/);
  });
});

describe('sorting and limiting groups', () => {
  it('--sort by an aggregate or a key, and --limit counts groups', () => {
    const csv = (args: string[]) => tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.acc), count', '--where', 'exists params.lr', '--format', 'csv', ...args]).stdout.trim().split('\n');
    expect(csv([])).toEqual(['params.lr,mean(metrics.acc),count', '0.001,0.525,4', '0.01,0.625,4', '0.1,0.725,4']);
    expect(csv(['--sort', 'mean(metrics.acc):desc', '--limit', '2'])).toEqual(['params.lr,mean(metrics.acc),count', '0.1,0.725,4', '0.01,0.625,4']);
    expect(csv(['--sort', 'mean( metrics.acc ):desc', '--limit', '1'])).toEqual(['params.lr,mean(metrics.acc),count', '0.1,0.725,4']);
    expect(csv(['--sort', 'params.lr:desc'])[1]).toBe('0.1,0.725,4');
    let r = tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'count', '--sort', 'metrics.acc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --sort: with --group-by, sort by a key or an --agg column, not "metrics\.acc"\nhint: one of params\.lr, count/);
    r = tmt(dir, ['list', '--group-by', 'params.lr', '--columns', 'name']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --columns does not apply to --group-by\nhint: /);
  });

  it('--json gives every run every key, null where it has no value', () => {
    const broken = json(tmt(dir, ['list', '--json', '--where', 'status = failed'])).runs[0];
    expect(Object.keys(broken)).toEqual(expect.arrayContaining(['id', 'name', 'status', 'started', 'durationMs', 'tags', 'params', 'metrics']));
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save']);
    expect(json(tmt(d, ['list', '--json'])).runs[0].name).toBeNull();
  });

  it('--json with --columns gives just those fields', () => {
    const out = json(tmt(dir, ['list', '--json', '--columns', 'name,params.lr,metrics.acc,duration', '--where', 'params.lr = 0.1 and params.seed = 4']));
    expect(out).toEqual({ schemaVersion: 1, columns: ['name', 'params.lr', 'metrics.acc', 'duration'], runs: [{ name: 'lr0.1-s4', 'params.lr': 0.1, 'metrics.acc': 0.74, duration: 0 }] });
  });
});

describe('tmt best', () => {
  it('best run overall, by direction, filtered and per group', () => {
    expect(json(tmt(dir, ['best', '--metric', 'acc', '--json'])).best[0].name).toBe('lr0.1-s4');
    expect(json(tmt(dir, ['best', '--metric', 'loss', '--json'])).best[0]).toMatchObject({ name: 'lr0.1-s4' }); // loss: lower is better
    expect(json(tmt(dir, ['best', '--metric', 'acc', '--min', '--json'])).best[0].name).toBe('lr0.001-s1');
    expect(json(tmt(dir, ['best', '--metric', 'acc', '--where', 'params.lr < 0.05', '--json'])).best[0].name).toBe('lr0.01-s4');
    const groups = json(tmt(dir, ['best', '--metric', 'metrics.acc', '--group-by', 'params.opt', '--json'])).best;
    expect(Object.fromEntries(groups.map((g: any) => [g.group['params.opt'], g.name]))).toEqual({ adam: 'lr0.1-s3', sgd: 'lr0.1-s4' });
    const table = tmt(dir, ['best', '--metric', 'acc']).stdout;
    expect(table).toMatch(/^id\s+name\s+acc\n\w{26}\s+lr0\.1-s4\s+0\.74\n$/);
  });

  it('typos: a field no run has is warned about, a status that does not exist is an error', () => {
    let r = tmt(dir, ['list', '--where', 'params.lrr < 0.1', '--json']);
    expect(r.stderr).toBe('warning: no run has params.lrr (a typo?)\n');
    expect(JSON.parse(r.stdout).runs).toEqual([]);
    r = tmt(dir, ['list', '--columns', 'name,params.lrr', '--sort', 'metrics.acuracy']);
    expect(r.stderr).toMatch(/^warning: no run has metrics\.acuracy \(a typo\?\)\nwarning: no run has params\.lrr \(a typo\?\)\n$|^warning: no run has params\.lrr \(a typo\?\)\nwarning: no run has metrics\.acuracy \(a typo\?\)\n$/);
    r = tmt(dir, ['list', '--where', 'status = finishd']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --where: expected a status \(running, finished, failed, killed, stale, unreadable\), found "finishd" at column 10\n/);
    r = tmt(dir, ['list', '--columns', 'name,metrcs.loss']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --columns: expected a field/);
    // A bare name in --sort or --agg: the flag is named, and the prefixed fields suggested.
    r = tmt(dir, ['list', '--sort', 'acc:desc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --sort: expected a field \(.*\), found "acc" \(did you mean metrics\.acc or params\.acc\?\)\nhint: --sort takes fields/);
    expect(tmt(dir, ['list', '--group-by', 'params.opt', '--agg', 'mean(acc)']).stderr).toMatch(/^error: --agg: .*found "acc"/);
    // Empty field lists, --agg alone, and a typo in --columns.
    for (const args of [['--columns', ''], ['--columns', ',,'], ['--group-by', '']]) {
      r = tmt(dir, ['list', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${args[0]} is empty\nhint: name at least one field`));
    }
    expect(tmt(dir, ['list', '--agg', 'count']).stderr).toMatch(/^error: --agg needs --group-by$/m);
    expect(tmt(dir, ['list', '--group-by', 'params.opt', '--agg', 'mean(name)']).stderr).toMatch(/^error: --agg: mean\(\) needs numbers, and name is text\nhint: /);
    expect(names(['--status', 'failed, finished', '--where', 'params.lr = 0.1 or status = failed', '--sort', 'name'])).toHaveLength(5); // spaces after commas are fine
    expect(tmt(dir, ['list', '--columns', 'name,params.lrr']).stderr).toBe('warning: no run has params.lrr (a typo?)\n');
    expect(tmt(dir, ['list', '--where', 'params.lr < 0.1']).stderr).toBe('');
    expect(tmt(dir, ['list', '--where', 'metrics.acc.mean > 0.5']).stderr).toBe('warning: no run has metrics.acc.mean: metrics.acc has the summaries .first .last .min .max .count, not .mean\n');
  });

  it('judges loss-like names by their words: val/loss, train.loss, valLoss and eval/ppl are lower-is-better', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    const lower = ['val/loss', 'train.loss', 'valLoss', 'eval/perplexity', 'test_error', 'bpb', 'trainMSE', 'MSELoss', 'NLLLoss'];
    const higher = ['val/acc', 'glossary_hits', 'f1', 'errand_score'];
    tmt(d, ['save', '-n', 'small', ...[...lower, ...higher].flatMap((m) => ['-m', `${m}=0.1`])]);
    tmt(d, ['save', '-n', 'large', ...[...lower, ...higher].flatMap((m) => ['-m', `${m}=9`])]);
    for (const m of lower) expect(json(tmt(d, ['best', '--metric', m, '--json'])), m).toMatchObject({ direction: 'min', best: [{ name: 'small' }] });
    for (const m of higher) expect(json(tmt(d, ['best', '--metric', m, '--json'])), m).toMatchObject({ direction: 'max', best: [{ name: 'large' }] });
  });

  it('takes the direction from git config tmt.metric.<name>.direction, as compare does', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'low', '-m', 'score=1']);
    tmt(d, ['save', '-n', 'high', '-m', 'score=2']);
    expect(json(tmt(d, ['best', '--metric', 'score', '--json'])).best[0].name).toBe('high');
    git(d, 'config', 'tmt.metric.score.direction', 'lower');
    expect(json(tmt(d, ['best', '--metric', 'score', '--json']))).toMatchObject({ direction: 'min', best: [{ name: 'low' }] });
    expect(json(tmt(d, ['best', '--metric', 'score', '--max', '--json'])).best[0].name).toBe('high'); // the flag wins
    git(d, 'config', 'tmt.metric.score.direction', 'sideways');
    const r = tmt(d, ['best', '--metric', 'score', '--json']);
    expect(r.stderr).toMatch(/^warning: git config tmt\.metric\.score\.direction: expected higher or lower, got "sideways"; using the default$/m);
    expect(JSON.parse(r.stdout).best[0].name).toBe('high');
  });

  it('--window scores by the mean of the end of each series', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    // steady climbs to 0.8; lucky jumps to 0.9 on its very last step only.
    const steady = Array.from({ length: 10 }, (_, i) => `{"step": ${i}, "acc": ${0.7 + i * 0.01}}`).join('\n');
    const lucky = Array.from({ length: 10 }, (_, i) => `{"step": ${i}, "acc": ${i === 9 ? 0.9 : 0.5}}`).join('\n');
    writeFiles(d, { 'steady.jsonl': steady + '\n', 'lucky.jsonl': lucky + '\n' });
    tmt(d, ['record', '-q', '-n', 'steady', '--', 'sh', '-c', 'cat steady.jsonl >> "$TMT_METRICS"']);
    tmt(d, ['record', '-q', '-n', 'lucky', '--', 'sh', '-c', 'cat lucky.jsonl >> "$TMT_METRICS"']);
    expect(json(tmt(d, ['best', '--metric', 'acc', '--json'])).best[0].name).toBe('lucky');
    const windowed = json(tmt(d, ['best', '--metric', 'acc', '--window', 'last:30%', '--json'])).best[0];
    expect(windowed.name).toBe('steady');
    expect(windowed.score).toBeCloseTo((0.77 + 0.78 + 0.79) / 3, 10);
    expect(json(tmt(d, ['best', '--metric', 'acc', '--window', 'last:2', '--json'])).best[0].name).toBe('steady');
    expect(tmt(d, ['best', '--metric', 'acc', '--window', 'first:2']).code).toBe(2);
    expect(tmt(d, ['best', '--metric', 'acc', '--window', 'last:2.5']).stderr).toMatch(/^error: --window: cannot read "last:2\.5"/);
    expect(json(tmt(d, ['best', '--metric', 'acc', '--window', 'last:2.5%', '--json'])).best[0].name).toBe('lucky'); // a share may be fractional: its last point
    // A run with final values only (tmt save -m) competes with its last value, and a warning says so.
    tmt(d, ['save', '-n', 'final-only', '-m', 'acc=0.85']);
    const r = tmt(d, ['best', '--metric', 'acc', '--window', 'last:2', '--json']);
    expect(json(r).best[0]).toMatchObject({ name: 'final-only', score: 0.85 });
    expect(r.stderr).toBe('warning: 1 run has no series for acc (final values only, as tmt save -m writes): scored by its last value\n');
  });

  it('only finished runs compete, unless --any-status or a --where on status says otherwise', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['record', '-q', '-n', 'done', '--', 'sh', '-c', 'echo \'{"acc": 0.7}\' >> "$TMT_METRICS"']);
    expect(tmt(d, ['record', '-q', '-n', 'crashed', '--', 'sh', '-c', 'echo \'{"acc": 0.9}\' >> "$TMT_METRICS"; exit 3']).code).toBe(3);
    const r = tmt(d, ['best', '--metric', 'acc', '--json']);
    expect(json(r).best[0].name).toBe('done');
    expect(r.stderr).toBe('warning: left out 1 run with acc that did not finish (failed, killed, running or stale); --any-status counts them\n');
    expect(json(tmt(d, ['best', '--metric', 'acc', '--any-status', '--json'])).best[0].name).toBe('crashed');
    const byStatus = tmt(d, ['best', '--metric', 'acc', '--where', "status = 'failed'", '--json']);
    expect(json(byStatus).best[0].name).toBe('crashed');
    expect(byStatus.stderr).toBe('');
    // A param called status is not the run's status: finished runs only, still.
    expect(json(tmt(d, ['best', '--metric', 'acc', '--where', 'not exists params.status', '--json'])).best[0].name).toBe('done');
    const none = tmt(d, ['best', '--metric', 'acc', '--where', "name = 'crashed'"]);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/^error: no finished run matching --where has a metric "acc"$/m);
  });

  it('no run with the metric is a clear not-found', () => {
    const r = tmt(dir, ['best', '--metric', 'bleu']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: no run has a metric "bleu"\nhint: /);
  });
});

describe('bad expressions get the position', () => {
  const cases: Array<[string, RegExp]> = [
    ['foo.bar > 1', /expected a field .*found "foo\.bar" at column 1/],
    ['name ~ "("', /regular expression/i],
    ['metrics.acc ~ 3', /~/],
    ['started > banana', /banana|date/],
    ['', /expected an expression at column 1/],
    ['status > finished', /expected = != ~ !~ or in for "status", found ">" at column 8/],
    ['name = 実験 and foo > 1', /at column 15\n  name = 実験 and foo > 1\n {18}\^$/m], // the caret sits under foo: CJK takes two columns
    ['exists params', /expected params\.<key> after "params", found "params" alone/],
  ];
  for (const [expr, message] of cases) {
    it(`--where '${expr}'`, () => {
      const r = tmt(dir, ['list', '--where', expr]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(message);
      if (expr.trim()) expect(r.stderr).toMatch(/\n +\^/); // a caret under the position
      expect(r.stderr).toMatch(/\nhint: /);
    });
  }
  it('an unknown --sort or --columns field, and an unknown format', () => {
    expect(tmt(dir, ['list', '--sort', 'nope.x']).code).toBe(2);
    expect(tmt(dir, ['list', '--columns', 'name,metric.acc']).code).toBe(2);
    const r = tmt(dir, ['list', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --format: unknown format "xml"\nhint: one of table, json, csv, tsv, md\n$/);
  });
});

describe('corrupt notes', () => {
  it('a corrupt note: the run is listed with a warning and the query goes on', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'good', '-m', 'acc=0.9']);
    tmt(d, ['save', '-n', 'bad']);
    const commit = git(d, 'for-each-ref', '--format=%(objectname)', '--sort=-refname', 'refs/tmt/runs/').split('\n')[0]!;
    git(d, 'notes', '--ref=tmt', 'add', '-f', '-m', 'this: is: not: yaml: [', commit);
    const r = tmt(d, ['list', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: run \w{26}: unreadable note: /m);
    const runs = JSON.parse(r.stdout).runs;
    expect(runs.map((x: any) => x.status)).toEqual(['unreadable', 'finished']);
    expect(names.length).toBe(1);
    expect(json(tmt(d, ['list', '--where', 'metrics.acc > 0.5', '--json'])).runs.map((x: any) => x.name)).toEqual(['good']);
  });
});
