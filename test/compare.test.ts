import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { recordRun } from './helpers/runs.js';
import { BIN, tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

const oneLineError = /^error: [^\n]+\nhint: [^\n]+\n$/;

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The data block of a written page. */
function pageData(file: string): any {
  const html = fs.readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="tmt-data">(.*?)<\/script>/s.exec(html)!;
  return JSON.parse(m[1]!);
}

describe('tmt compare', () => {
  let dir: string;
  const ids: Record<string, string> = {};
  beforeAll(() => {
    dir = makeRepo({ 'train.py': 'v0\n' });
    ids.base = recordRun(dir, { name: 'base', tags: ['sweep'], params: { lr: 0.1, seed: 1, model: { depth: 4 } }, metrics: [{ step: 0, loss: 1, acc: 0.5 }, { step: 1, loss: 0.5, acc: 0.7 }] });
    writeFiles(dir, { 'train.py': 'v1\n' });
    ids.better = recordRun(dir, { name: 'better', tags: ['sweep'], params: { lr: 0.01, seed: 1, model: { depth: 4 } }, metrics: [{ step: 0, loss: 0.9, acc: 0.6 }, { step: 1, loss: 0.3, acc: 0.9 }] });
    writeFiles(dir, { 'train.py': 'v2\n' });
    ids.worse = recordRun(dir, { name: 'worse', params: { lr: 1, seed: 1, model: { depth: 8 } }, metrics: [{ step: 0, loss: 2, acc: 0.1, bleu: 12 }] });
    ids.bare = recordRun(dir, { name: 'bare' });
  });

  it('prints params and metrics side by side; --only-changed hides what is the same', () => {
    const r = tmt(dir, ['compare', 'base', 'better', 'worse']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^field\s+base\s+better\s+worse$/);
    expect(r.stdout).toMatch(/^params\.lr\s+0\.1\s+0\.01\s+1$/m);
    expect(r.stdout).toMatch(/^params\.model\.depth\s+4\s+4\s+8$/m);
    expect(r.stdout).toMatch(/^params\.seed\s+1\s+1\s+1$/m);
    expect(r.stdout).toMatch(/^metrics\.loss\s+0\.5\s+0\.3\s+2$/m);
    expect(r.stdout).toMatch(/^metrics\.bleu\s+—\s+—\s+12$/m); // a dash where a run lacks the metric
    const changed = tmt(dir, ['compare', 'base', 'better', 'worse', '--only-changed']).stdout;
    expect(changed).not.toMatch(/params\.seed/);
    expect(changed).not.toMatch(/^status/m);
    expect(changed).toMatch(/^name\s/m);
    expect(changed).toMatch(/^params\.lr/m);
  });

  it('colours metric values better (green) or worse (red) than the first run, on a terminal only', () => {
    const r = spawnSync('script', ['-qefc', `${process.execPath} ${BIN} compare base better worse`, '/dev/null'], { cwd: dir, env: { ...testEnv, NO_COLOR: undefined, TERM: 'xterm' }, encoding: 'utf8' });
    const loss = r.stdout.split('\n').find((l) => l.includes('metrics.loss'))!;
    expect(loss).toContain('\x1b[32m0.3\x1b[0m'); // lower loss: better
    expect(loss).toContain('\x1b[31m2\x1b[0m');
    const acc = r.stdout.split('\n').find((l) => l.includes('metrics.acc'))!;
    expect(acc).toContain('\x1b[32m0.9\x1b[0m'); // higher acc: better
    expect(tmt(dir, ['compare', 'base', 'better']).stdout).not.toContain('\x1b[');
    // Params that differ from the first run's stand out; the same ones do not.
    const lr = r.stdout.split('\n').find((l) => l.includes('params.lr'))!;
    expect(lr).toContain('\x1b[33m0.01\x1b[0m');
    expect(r.stdout.split('\n').find((l) => l.includes('params.seed'))).not.toContain('\x1b[33m');
  });

  it('--only-changed and the table judge values as stored: 0.5 and 0.5000001 differ, and look it; empty text is not missing', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    tmt(d, ['save', '-n', 'e1', '-p', 'note=', '-m', 'acc=0.5']);
    tmt(d, ['save', '-n', 'e2', '-m', 'acc=0.5000001']);
    const out = tmt(d, ['compare', 'e1', 'e2', '--only-changed']).stdout;
    expect(out).toMatch(/^metrics\.acc\s+0\.5\s+0\.5000001$/m);
    expect(out).toMatch(/^params\.note\s+—$/m); // e1's empty note, then e2's missing one
  });

  it('--json: params with changed flags, metric summaries with directions and verdicts', () => {
    const out = json(tmt(dir, ['compare', 'base', 'better', 'worse', 'bare', '--json']));
    expect(out.schemaVersion).toBe(1);
    expect(out.runs.map((r: { id: string }) => r.id)).toEqual([ids.base, ids.better, ids.worse, ids.bare]);
    expect(out.params).toEqual([
      { key: 'lr', values: ['0.1', '0.01', '1', null], changed: true },
      { key: 'model.depth', values: ['4', '4', '8', null], changed: true },
      { key: 'seed', values: ['1', '1', '1', null], changed: true },
    ]);
    const loss = out.metrics.find((m: { name: string }) => m.name === 'loss');
    expect(loss).toMatchObject({ direction: 'min', directionSource: 'default', verdicts: [null, 'better', 'worse', null], best: 1 });
    expect(loss.summaries[1]).toMatchObject({ first: 0.9, last: 0.3, min: 0.3, max: 0.9, count: 2 });
    expect(out.metrics.find((m: { name: string }) => m.name === 'acc')).toMatchObject({ direction: 'max', verdicts: [null, 'better', 'worse', null], best: 1 });
    expect(out.metrics.find((m: { name: string }) => m.name === 'bleu')).toMatchObject({ verdicts: [null, null, null, null], best: null }); // one run has it: no best
    const only = json(tmt(dir, ['compare', 'base', 'better', '--json', '--only-changed']));
    expect(only.params.map((p: { key: string }) => p.key)).toEqual(['lr']);
  });

  it('directions: flags first, then git config tmt.metric.<name>.direction, then the default', () => {
    const verdict = (args: string[], metric: string) => json(tmt(dir, ['compare', 'base', 'better', '--json', ...args])).metrics.find((m: { name: string }) => m.name === metric);
    expect(verdict(['--higher-is-better', 'loss'], 'loss')).toMatchObject({ direction: 'max', directionSource: 'flag', verdicts: [null, 'worse'] });
    git(dir, 'config', 'tmt.metric.acc.direction', 'lower');
    try {
      expect(verdict([], 'acc')).toMatchObject({ direction: 'min', directionSource: 'config', verdicts: [null, 'worse'] });
      expect(verdict(['--higher-is-better', 'acc,loss'], 'acc')).toMatchObject({ direction: 'max', directionSource: 'flag' });
      git(dir, 'config', 'tmt.metric.loss.direction', 'sideways');
      const r = tmt(dir, ['compare', 'base', 'better']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('warning: git config tmt.metric.loss.direction: expected higher or lower, got "sideways"; using the default\n');
    } finally {
      git(dir, 'config', '--remove-section', 'tmt.metric.acc');
      git(dir, 'config', '--remove-section', 'tmt.metric.loss');
    }
    const both = tmt(dir, ['compare', 'base', 'better', '--higher-is-better', 'loss', '--lower-is-better', 'metrics.loss']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(oneLineError);
  });

  it('--format csv and md', () => {
    const csv = tmt(dir, ['compare', 'base', 'better', '--format', 'csv']).stdout.split('\n');
    expect(csv[0]).toBe('field,base,better');
    expect(csv[1]).toBe(`id,${ids.base},${ids.better}`);
    expect(csv).toContain('metrics.loss,0.5,0.3');
    const md = tmt(dir, ['compare', 'base', 'better', '--format', 'md']).stdout;
    expect(md).toMatch(/^\| field \| base \| better \|\n\|---\|---\|---\|\n/);
    expect(md).toContain('| params.lr | 0.1 | 0.01 |');
    expect(tmt(dir, ['compare', 'base', '--format', 'yaml'])).toMatchObject({ code: 2, stderr: expect.stringMatching(oneLineError) });
  });

  it('--where adds matching runs, oldest first, without repeating a named run; --limit keeps the newest', () => {
    const byWhere = json(tmt(dir, ['compare', '--where', 'tags has sweep', '--json']));
    expect(byWhere.runs.map((r: { name: string }) => r.name)).toEqual(['base', 'better']);
    const mixed = json(tmt(dir, ['compare', 'worse', '--where', 'params.lr < 0.5', '--json']));
    expect(mixed.runs.map((r: { name: string }) => r.name)).toEqual(['worse', 'base', 'better']);
    const dedup = json(tmt(dir, ['compare', 'better', '--where', 'tags has sweep', '--json']));
    expect(dedup.runs.map((r: { name: string }) => r.name)).toEqual(['better', 'base']);
    const limited = json(tmt(dir, ['compare', '--where', 'exists params.lr', '--limit', '2', '--json']));
    expect(limited.runs.map((r: { name: string }) => r.name)).toEqual(['better', 'worse']);
    expect(tmt(dir, ['compare', '--where', 'params.lr > 100'])).toMatchObject({ code: 4, stderr: expect.stringMatching(oneLineError) });
    expect(tmt(dir, ['compare', '--where', 'params.lr >'])).toMatchObject({ code: 2 });
  });

  it('bad input: the same run twice, nothing to compare', () => {
    const twice = tmt(dir, ['compare', 'base', 'better', ids.base.slice(0, 12)]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(oneLineError);
    expect(twice.stderr).toContain(`"base" and "${ids.base.slice(0, 12)}" name the same run, ${ids.base.slice(0, 12)} (base)`);
    expect(twice.stderr).toMatch(/^hint: name different runs \(e\.g\. NAME~1 and NAME\)$/m); // nothing about diffing one run
    expect(tmt(dir, ['compare'])).toMatchObject({ code: 2, stderr: expect.stringMatching(oneLineError) });
    expect(tmt(dir, ['compare', 'base', '--limit', '3'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--limit goes with --where/) });
  });

  it('a reader that stops early (| head) ends a long table quietly, exit 0', () => {
    const wide = makeRepo({ 'a.py': 'x\n' });
    const params = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`param_${i}`, `value of param number ${i}`]));
    recordRun(wide, { name: 'many', params });
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${process.execPath} ${BIN} compare many --format csv | head -1; echo "rc=$?"`], { cwd: wide, env: testEnv, encoding: 'utf8' });
    expect(r.stdout).toBe('field,many\nrc=0\n');
    expect(r.stderr).toBe('');
  });

  it('--html diffs the first run against each other run, paths limited by --', () => {
    const file = path.join(tempDir(), 'c.html');
    const r = tmt(dir, ['compare', 'base', 'better', 'worse', '-o', file, '--', 'train.py']);
    expect(r).toMatchObject({ code: 0, stdout: `${file}\n` });
    const data = pageData(file);
    expect(data.kind).toBe('compare');
    expect(data.diffs.map((d: { fromRun: number; toRun: number; code: { totals: { files: number } } }) => [d.fromRun, d.toRun, d.code.totals.files])).toEqual([
      [0, 1, 1],
      [0, 2, 1],
    ]);
    expect(data.series.map((s: { name: string }) => s.name)).toEqual(['acc', 'bleu', 'loss']);
    expect(data.series.find((s: { name: string }) => s.name === 'bleu').runs).toEqual([null, null, { steps: [0], values: [12], total: 1 }]);
  });
});
