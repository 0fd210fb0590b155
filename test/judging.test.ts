/**
 * Judging runs fairly in the terminal and in JSON: only metrics whose
 * direction is known are coloured and crowned, a tie goes to the newer run,
 * and aggregates count finished runs unless asked otherwise.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameDirection } from '../src/query/direction-names.js';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo } from './helpers/git.js';
import { staleRun } from './helpers/runs.js';
import { BIN, tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `tmt ARGS` on a terminal (through script(1)), colour on. */
function onTerminal(dir: string, args: string): string {
  return spawnSync('script', ['-qefc', `${process.execPath} ${BIN} ${args}`, '/dev/null'], { cwd: dir, env: { ...testEnv, NO_COLOR: undefined, TERM: 'xterm' }, encoding: 'utf8' }).stdout;
}

const line = (out: string, field: string) => out.split('\n').find((l) => l.includes(field))!;
/** A row's cells after its (dimmed) field name. */
const cells = (out: string, field: string) => line(out, field).replace(/^\x1b\[2m[^\x1b]*\x1b\[0m/, '');

describe('which way is better, by name', () => {
  it('loss-like names are lower-is-better, score-like names higher, the rest unknown', () => {
    const lower = ['loss', 'val/loss', 'train.loss', 'valLoss', 'eval/perplexity', 'test_error', 'MSELoss', 'f1_loss', 'time'];
    const higher = ['acc', 'val/acc', 'valAcc', 'eval-f1', 'val/f1', 'accuracy', 'roc_auc', 'precision', 'recall', 'bleu', 'rougeL', 'rouge2', 'reward', 'episode_return', 'score', 'mAP50', 'map', 'mIoU', 'iou', 'r2', 'dice', 'ndcg@10', 'top1', 'top5', 'hits@10', 'exact_match', 'em', 'pass@1', 'acc1'];
    const neither = ['lr', 'learning_rate', 'epoch', 'step', 'grad_norm', 'top', 'f', 'throughput', 'tokens_per_sec', 'temperature'];
    for (const m of lower) expect(nameDirection(m), m).toBe('min');
    for (const m of higher) expect(nameDirection(m), m).toBe('max');
    for (const m of neither) expect(nameDirection(m), m).toBeUndefined();
  });
});

describe('tmt compare judges only metrics whose direction is known', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save', '-n', 'first', '-m', 'lr=0.1', '-m', 'acc=0.5', '-m', 'val/f1=0.4', '-m', 'loss=1', '-m', 'epoch=3']);
    tmt(dir, ['save', '-n', 'second', '-m', 'lr=0.3', '-m', 'acc=0.7', '-m', 'val/f1=0.6', '-m', 'loss=0.5', '-m', 'epoch=9']);
  });

  it('--json: lr and epoch have direction source unknown, no verdicts and no best; acc and val/f1 higher, loss lower', () => {
    const metrics = new Map<string, any>(json(tmt(dir, ['compare', 'first', 'second', '--json'])).metrics.map((m: any) => [m.name, m]));
    for (const name of ['lr', 'epoch']) expect(metrics.get(name), name).toMatchObject({ directionSource: 'unknown', verdicts: [null, null], best: null, changed: true });
    expect(metrics.get('acc')).toMatchObject({ direction: 'max', directionSource: 'default', verdicts: [null, 'better'], best: 1 });
    expect(metrics.get('val/f1')).toMatchObject({ direction: 'max', directionSource: 'default', verdicts: [null, 'better'], best: 1 });
    expect(metrics.get('loss')).toMatchObject({ direction: 'min', directionSource: 'default', verdicts: [null, 'better'], best: 1 });
  });

  it('on a terminal: lr is plain, acc green and bold (best), loss green and bold', () => {
    const out = onTerminal(dir, 'compare first second');
    expect(cells(out, 'metrics.lr')).toMatch(/^ +0\.1 +0\.3\r?$/);
    expect(cells(out, 'metrics.epoch')).toMatch(/^ +3 +9\r?$/);
    expect(line(out, 'metrics.acc')).toContain('\x1b[1m\x1b[32m0.7\x1b[0m\x1b[0m');
    expect(line(out, 'metrics.val/f1')).toContain('\x1b[32m0.6');
    expect(line(out, 'metrics.loss')).toContain('\x1b[1m\x1b[32m0.5\x1b[0m\x1b[0m');
  });

  it('a direction set for lr, by git config or a flag, makes it judged', () => {
    git(dir, 'config', 'tmt.metric.lr.direction', 'lower');
    try {
      const lr = json(tmt(dir, ['compare', 'first', 'second', '--json'])).metrics.find((m: any) => m.name === 'lr');
      expect(lr).toMatchObject({ direction: 'min', directionSource: 'config', verdicts: [null, 'worse'], best: 0 });
      expect(line(onTerminal(dir, 'compare first second'), 'metrics.lr')).toContain('\x1b[31m0.3\x1b[0m');
    } finally {
      git(dir, 'config', '--remove-section', 'tmt.metric.lr');
    }
    const flagged = json(tmt(dir, ['compare', 'first', 'second', '--json', '--higher-is-better', 'lr'])).metrics.find((m: any) => m.name === 'lr');
    expect(flagged).toMatchObject({ direction: 'max', directionSource: 'flag', verdicts: [null, 'better'], best: 1 });
  });

  it('tmt best still ranks by lr when asked, higher by default, and says it assumed that', () => {
    const r = tmt(dir, ['best', '--metric', 'lr', '--json']);
    expect(json(r)).toMatchObject({ direction: 'max', directionSource: 'unknown', best: [{ name: 'second' }] });
    expect(json(tmt(dir, ['best', '--metric', 'acc', '--json']))).toMatchObject({ direction: 'max', directionSource: 'default' });
    expect(r.stderr).toBe('warning: no direction known for lr (its name is neither loss- nor score-like): ranked higher-is-better; --min, or git config tmt.metric.lr.direction lower, says otherwise\n');
    expect(tmt(dir, ['best', '--metric', 'lr', '--min']).stderr).toBe('');
    expect(tmt(dir, ['best', '--metric', 'acc']).stderr).toBe('');
  });
});

describe('a tie goes to the newer run', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['save', '-n', 'old', '-m', 'acc=0.8', '-m', 'loss=0.2']);
    tmt(dir, ['save', '-n', 'new', '-m', 'acc=0.8', '-m', 'loss=0.2']);
  });

  it('in compare --json, whichever run is listed first', () => {
    for (const [order, best] of [[['old', 'new'], 1], [['new', 'old'], 0]] as const) {
      const metrics = json(tmt(dir, ['compare', ...order, '--json'])).metrics;
      for (const m of metrics) expect(m, `${order.join(' ')}: ${m.name}`).toMatchObject({ verdicts: [null, 'same'], best });
    }
    expect(json(tmt(dir, ['best', '--metric', 'acc', '--json'])).best[0].name).toBe('new'); // as tmt best does
  });

  it('in the terminal table: the newer run is bold, the older plain', () => {
    const out = onTerminal(dir, 'compare old new');
    expect(cells(out, 'metrics.acc')).toMatch(/^ +0\.8 +\x1b\[1m0\.8\x1b\[0m\r?$/);
    expect(cells(onTerminal(dir, 'compare new old'), 'metrics.acc')).toMatch(/^ +\x1b\[1m0\.8\x1b\[0m +0\.8\r?$/);
  });
});

describe('tmt list --group-by aggregates finished runs', () => {
  let dir: string;
  const record = (name: string, lr: number, acc: number, end = '') => tmt(dir, ['record', '-q', '-n', name, '-p', `lr=${lr}`, '--', 'sh', '-c', `echo '{"acc": ${acc}}' >> "$TMT_METRICS"${end}`]);
  beforeAll(() => {
    dir = makeRepo({ 'a.py': 'a\n' });
    record('a', 0.1, 0.8);
    record('b', 0.1, 0.9);
    expect(record('k', 0.1, 0.1, '; kill -KILL $$').code).not.toBe(0);
    record('c', 0.01, 0.5);
  });
  const groups = (extra: string[] = []) => {
    const r = tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.acc),count', '--json', ...extra]);
    return { out: json(r), stderr: r.stderr };
  };

  it('by default: a killed run is left out of the mean and the count, and a warning says so', () => {
    expect(json(tmt(dir, ['show', 'k', '--json'])).run.status).toBe('killed');
    const { out, stderr } = groups();
    expect(out.groups.map((g: any) => [g.key['params.lr'], g.values])).toEqual([
      [0.01, { 'mean(metrics.acc)': 0.5, count: 1 }],
      [0.1, { 'mean(metrics.acc)': expect.closeTo(0.85, 10), count: 2 }],
    ]);
    expect(out.unfinished).toBe(1);
    expect(stderr).toBe('warning: left out 1 run that did not finish (failed, killed, running or stale); --any-status counts them\n');
    const table = tmt(dir, ['list', '--group-by', 'params.lr', '--agg', 'mean(metrics.acc)']);
    expect(table.stdout).toMatch(/^0\.1\s+0\.85$/m);
    expect(table.stderr).toMatch(/left out 1 run that did not finish/);
  });

  it('--any-status, a --where or --status on status, or grouping by status counts every run', () => {
    for (const extra of [['--any-status'], ['--where', "status != 'running'"], ['--status', 'finished,killed']]) {
      const { out, stderr } = groups(extra);
      expect(out.groups.find((g: any) => g.key['params.lr'] === 0.1).values, extra.join(' ')).toEqual({ 'mean(metrics.acc)': expect.closeTo(0.6, 10), count: 3 });
      expect(out.unfinished).toBe(0);
      expect(stderr).toBe('');
    }
    const byStatus = json(tmt(dir, ['list', '--group-by', 'status', '--json']));
    expect(byStatus.groups.map((g: any) => [g.key.status, g.values.count])).toEqual([['finished', 3], ['killed', 1]]);
    expect(tmt(dir, ['list', '--any-status'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: --any-status goes with --group-by\nhint: /) });
  });
});

describe('status colours in the terminal', () => {
  it('killed and stale each have their own colour, apart from failed, finished and running', async () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    tmt(dir, ['record', '-q', '-n', 'done', '--', 'true']);
    tmt(dir, ['record', '-q', '-n', 'crashed', '--', 'sh', '-c', 'exit 1']);
    tmt(dir, ['record', '-q', '-n', 'stopped', '--', 'sh', '-c', 'kill -KILL $$']);
    await staleRun(dir, 'orphan');
    const out = onTerminal(dir, 'list');
    const colourOf = (name: string) => /\x1b\[(\d+)m(finished|failed|killed|stale)/.exec(line(out, name))?.[1];
    expect({ done: colourOf('done'), crashed: colourOf('crashed'), stopped: colourOf('stopped'), orphan: colourOf('orphan') }).toEqual({ done: '32', crashed: '31', stopped: '35', orphan: '33' });
    // compare's status row too.
    expect(cells(onTerminal(dir, 'compare stopped orphan'), 'status')).toMatch(/\x1b\[35mkilled\x1b\[0m +\x1b\[33mstale\x1b\[0m/);
  });
});
