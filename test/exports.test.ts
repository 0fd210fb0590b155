import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

describe('library API', () => {
  it('exports exactly the pinned names (change this list on purpose, not by accident)', () => {
    expect(Object.keys(api).sort()).toEqual([
      'RunSession',
      'TmtError',
      'compareRuns',
      'createRun',
      'getOutputs',
      'isTmtError',
      'listRuns',
      'openRepo',
      'readMetricPoints',
      'readRuns',
      'recordRun',
      'renderComparisonPage',
      'saveRun',
      'selectRun',
      'showRun',
      'snapshot',
      'startRun',
    ]);
  });

  it('records a run from a program: start, log, end, read back', async () => {
    const { makeRepo, git, cleanupTemp } = await import('./helpers/git.js');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = makeRepo({ 'train.py': 'x\n' });
    fs.writeFileSync(path.join(dir, 'weights.bin'), 'w');
    const repo = await api.openRepo({ cwd: dir });
    const run = await api.startRun({ repo, name: 'lib', params: { lr: 0.1 } });
    run.logMetrics({ loss: 1 }, 0);
    run.logMetrics({ loss: 0.5 });
    run.logParams({ batch: 32 });
    run.logArtifact(path.join(dir, 'weights.bin'));
    const done = await run.end();
    expect(done.meta).toMatchObject({ status: 'finished', params: { lr: 0.1, batch: 32 }, metrics: { loss: { first: 1, last: 0.5, count: 2, minStep: 1 } } });
    const [read] = await api.readRuns(repo);
    expect(read!.meta).toEqual(done.meta);
    expect(git(dir, 'cat-file', 'blob', `${done.meta.outputs}:artifacts/weights.bin`)).toBe('w');
    cleanupTemp();
  });

  it('compares runs from a program and renders the page', async () => {
    const { makeRepo, writeFiles, cleanupTemp } = await import('./helpers/git.js');
    const dir = makeRepo({ 'train.py': 'v1\n' });
    const repo = await api.openRepo({ cwd: dir });
    for (const [name, lr, loss] of [['a', 0.1, 0.5], ['b', 0.01, 0.3]] as const) {
      writeFiles(dir, { 'train.py': `lr = ${lr}\n` });
      const run = await api.startRun({ repo, name, params: { lr } });
      run.logMetrics({ loss }, 0);
      await run.end();
    }
    const c = await api.compareRuns({ repo, runs: ['a', 'b'], nowMs: Date.UTC(2026, 0, 1) });
    expect(c.params).toEqual([{ key: 'lr', values: ['0.1', '0.01'], changed: true }]);
    expect(c.metrics[0]).toMatchObject({ name: 'loss', direction: 'min', verdicts: [null, 'better'], best: 1 });
    expect(c.diffs[0]!.code.files.map((f) => [f.status, f.path, f.added, f.deleted])).toEqual([['M', 'train.py', 1, 1]]);
    const html = api.renderComparisonPage(c, { title: 'a vs b', tmtVersion: 'test' }).join('');
    expect(html).toMatch(/^<!doctype html>[\s\S]*<title>a vs b<\/title>[\s\S]*lr = 0\.01/);
    cleanupTemp();
  });

  it("gets a run's outputs and its metric points from a program", async () => {
    const { makeRepo, tempDir, cleanupTemp } = await import('./helpers/git.js');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = makeRepo({ 'train.py': 'x\n' });
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from([0, 255, 10]));
    const repo = await api.openRepo({ cwd: dir });
    const run = await api.startRun({ repo, name: 'lib' });
    run.logMetrics({ loss: 1 }, 0);
    run.logMetrics({ loss: NaN });
    run.logArtifact(path.join(dir, 'weights.bin'));
    await run.end();
    const out = tempDir();
    const got = await api.getOutputs({ repo, run: 'lib', what: { all: true }, cwd: dir, output: out });
    expect(got).toEqual({ run: { id: run.id, name: 'lib' }, files: [{ name: 'weights.bin', path: path.join(out, 'weights.bin'), size: 3 }], leftOut: [] });
    expect(fs.readFileSync(path.join(out, 'weights.bin'))).toEqual(Buffer.from([0, 255, 10]));
    const chunks: Buffer[] = [];
    await api.getOutputs({ repo, run: 'lib', what: { artifacts: ['weights.bin'] }, cwd: dir, write: (c) => chunks.push(c) });
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0, 255, 10]));
    const points = await api.readMetricPoints({ repo, runs: ['lib'] });
    expect(points.points).toEqual([
      { run: run.id, name: 'loss', step: 0, value: 1 },
      { run: run.id, name: 'loss', step: 1, value: NaN },
    ]);
    cleanupTemp();
  });
});
