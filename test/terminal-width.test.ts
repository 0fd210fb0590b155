import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { BIN, tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

let dir: string;
beforeAll(() => {
  dir = makeRepo({ 'a.py': 'a\n' });
  const long = 'a-rather-long-run-name-for-the-sweep-over-learning-rates';
  tmt(dir, ['save', '-n', 'base', '-p', 'learning_rate=0.1', '-p', 'optimizer.momentum=0.9', '-m', 'val/accuracy=0.5', '-m', 'train/loss=0.9', '-m', 'val/loss=1.1']);
  tmt(dir, ['save', '-n', long, '-p', 'learning_rate=0.01', '-p', 'optimizer.momentum=0.95', '-m', 'val/accuracy=0.7', '-m', 'train/loss=0.4', '-m', 'val/loss=0.6']);
  tmt(dir, ['save', '-n', 'third', '-p', 'learning_rate=0.001', '-p', 'optimizer.momentum=0.99', '-m', 'val/accuracy=0.6', '-m', 'train/loss=0.5', '-m', 'val/loss=0.8']);
}, 60_000);

/** tmt's output on a terminal `cols` wide (util-linux script), optionally with COLUMNS set. */
function onTerminal(cols: number, args: string, env: Record<string, string> = {}): string[] {
  const r = spawnSync('script', ['-qefc', `stty cols ${cols}; ${process.execPath} ${BIN} ${args}`, '/dev/null'], { cwd: dir, env: { ...testEnv, TERM: 'xterm', ...env }, encoding: 'utf8', input: '' });
  expect(r.status).toBe(0);
  return r.stdout.replace(/\r\n/g, '\n').trimEnd().split('\n');
}

const widest = (lines: string[]) => Math.max(...lines.map((l) => [...l].length));

describe('tables fitted to the terminal', () => {
  it('tmt list keeps metrics longest, and says which columns it hid', () => {
    const wide = onTerminal(200, 'list');
    expect(wide[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+/);
    const narrow = onTerminal(72, 'list');
    expect(widest(narrow)).toBeLessThanOrEqual(72);
    expect(narrow[0]).toMatch(/^ID\s+NAME\s+STATUS\s+train\/loss\s+val\/accuracy\s+val\/loss$/);
    expect(narrow.find((l) => l.includes('a-rather'))).toMatch(/a-rather-long-[a-z-]*…/); // where it is cut depends on the id column's width: runs saved within a second need longer ids
    expect(narrow[0]).not.toMatch(/STARTED|DURATION/);
    expect(narrow.at(-1)).toBe('(hidden to fit: DURATION, STARTED; see --columns)');
  });

  it('CJK names take two columns each, and the columns after them line up', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', '学習率の実験', '-m', 'acc=0.5']);
    tmt(d, ['save', '-n', 'plain', '-m', 'acc=0.7']);
    const r = spawnSync('script', ['-qefc', `stty cols 120; ${process.execPath} ${BIN} list`, '/dev/null'], { cwd: d, env: { ...testEnv, TERM: 'xterm' }, encoding: 'utf8', input: '' });
    const lines = r.stdout.replace(/\r\n/g, '\n').trimEnd().split('\n');
    const statusAt = (l: string) => { const k = l.indexOf('finished'); return [...l.slice(0, k)].reduce((w, ch) => w + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0); };
    expect(statusAt(lines[1]!)).toBe(statusAt(lines[2]!));
  });

  it('COLUMNS wins over the terminal size', () => {
    const lines = onTerminal(200, 'list', { COLUMNS: '72' });
    expect(widest(lines)).toBeLessThanOrEqual(72);
    expect(lines.at(-1)).toMatch(/^\(hidden to fit: /);
  });

  it('tmt compare cuts the runs\' values, never the field names', () => {
    const lines = onTerminal(70, 'compare base a-rather-long-run-name-for-the-sweep-over-learning-rates third');
    expect(widest(lines)).toBeLessThanOrEqual(70);
    const fields = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(fields).toEqual(expect.arrayContaining(['params.learning_rate', 'params.optimizer.momentum', 'metrics.val/accuracy', 'metrics.train/loss']));
    expect(lines.find((l) => l.startsWith('name'))).toMatch(/…/);
  });

  it('numbers are never cut: a cut number reads as a smaller one', () => {
    tmt(dir, ['save', '-n', 'big-f', '-m', 'big=123456789012']);
    tmt(dir, ['save', '-n', 'big-g', '-m', 'big=123456789013']);
    const row = onTerminal(34, 'compare big-f big-g').find((l) => l.startsWith('metrics.big'))!;
    expect(row).toMatch(/123456789012\s+123456789013$/);
    // Six significant digits never pass for exact: a large fraction keeps its exponent.
    tmt(dir, ['save', '-n', 'big-h', '-m', 'big=12345678.5']);
    expect(onTerminal(120, 'list --columns name,metrics.big --where "name = big-h"')[1]).toMatch(/^big-h\s+1\.23457e\+7$/);
  });

  it('tmt best --group-by fits too', () => {
    const lines = onTerminal(50, 'best --metric val/loss --group-by params.optimizer.momentum');
    expect(widest(lines)).toBeLessThanOrEqual(50);
    expect(lines).toHaveLength(4);
  });
});
