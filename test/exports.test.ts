import { describe, expect, it } from 'vitest';
// The package's public entry as users get it: package.json's main and exports name dist/index.js
// (built by `npm test` before vitest runs), so this file tests the build, not the sources.
import * as api from '../dist/index.js';

describe('library API', () => {
  it('exports exactly the pinned names (change this list on purpose, not by accident)', () => {
    expect(Object.keys(api).sort()).toEqual([
      'RunSession',
      'TmtError',
      'allTrials',
      'applyRun',
      'bestRuns',
      'branchFromRun',
      'checkMetrics',
      'checkSize',
      'checkoutRun',
      'compareRuns',
      'createRun',
      'editRun',
      'fetchRemote',
      'getOutputs',
      'isTmtError',
      'listCheckouts',
      'listRuns',
      'listSaves',
      'metricDirections',
      'openLocal',
      'openRepo',
      'openSync',
      'parseSpec',
      'planHere',
      'planRemoval',
      'pushRemote',
      'readMetricPoints',
      'readRuns',
      'readSpec',
      'recordRun',
      'recoverRuns',
      'redoApply',
      'removeCheckouts',
      'removeEverywhere',
      'removeHere',
      'renderComparisonPage',
      'rerunRun',
      'runSweep',
      'saveRun',
      'selectRun',
      'showRun',
      'snapshot',
      'startRun',
      'summarizeSweep',
      'sweepProgress',
      'trialAt',
      'trialCount',
      'undoApply',
    ]);
  });

  it('runs a sweep and folds its repeats, returning data', async () => {
    const { makeRepo, cleanupTemp } = await import('./helpers/git.js');
    const { PassThrough } = await import('node:stream');
    const dir = makeRepo({ 'fit.sh': '#!/bin/sh\necho "{\\"acc\\": $2}" >> "$TMT_METRICS"\n' }, {});
    const repo = await api.openRepo({ cwd: dir });
    const spec = api.parseSpec('name: lib\ncommand: [sh, fit.sh]\ngrid: {acc: [0.5, 0.9]}\nrepeat: 2\n', 'lib.yaml');
    const trials = api.allTrials(spec);
    expect(trials.map((t) => t.argv.slice(2))).toEqual([['--acc', '0.5', '--seed', '0'], ['--acc', '0.9', '--seed', '0'], ['--acc', '0.5', '--seed', '1'], ['--acc', '0.9', '--seed', '1']]);
    const out = new PassThrough();
    const ran = await api.runSweep({ repo, spec, trials, cwd: dir, jobs: 2, streams: () => ({ stdout: out, stderr: out }) });
    expect(ran.ended.map((e) => e.result.meta.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    const progress = await api.sweepProgress(repo, 'lib', trials);
    const summary = api.summarizeSweep(spec, progress, 'acc', 'max');
    expect(summary.best).toMatchObject({ params: { acc: 0.9 }, mean: 0.9, std: 0, count: 2 });
    cleanupTemp();
  });

  it('does what tmt best, edit, rm, push, fetch and recover do, returning data', async () => {
    const { makeRepo, cleanupTemp } = await import('./helpers/git.js');
    const { bareRepo } = await import('./helpers/remote.js');
    const dir = makeRepo({ 'train.py': 'x\n' });
    const repo = await api.openRepo({ cwd: dir });
    for (const [name, loss] of [['a', 0.5], ['b', 0.3], ['c', Number.NaN]] as const) await api.saveRun({ repo, name, metrics: { loss } });
    const { directions } = await api.metricDirections(repo, ['loss'], { higher: [], lower: [] });
    expect(directions.get('loss')).toEqual({ direction: 'min', source: 'default' });
    const best = await api.bestRuns(repo, { metric: 'loss', direction: directions.get('loss')!.direction });
    expect(best).toMatchObject({ metric: 'loss', direction: 'min', picks: [{ group: null, name: 'b', score: 0.3 }], diverged: 1 });
    expect(best.warnings).toEqual([expect.stringMatching(/^left out 1 run whose loss is NaN or infinite/)]);
    await api.editRun({ repo, selector: 'b' }, { name: 'winner', addTags: ['keep'] });
    expect((await api.showRun({ repo, selector: 'winner' })).meta.tags).toEqual(['keep']);
    const remote = bareRepo();
    expect(await api.pushRemote(await api.openSync({ cwd: dir, remote }), undefined)).toMatchObject({ runsPushed: 3, notesPushed: true });
    const removed = await api.removeHere(await api.openLocal(dir), { selectors: ['a'], nowMs: Date.now(), confirm: async () => undefined });
    expect(removed.map((r) => r.name)).toEqual(['a']);
    expect(await api.fetchRemote(await api.openSync({ cwd: dir, remote }))).toMatchObject({ created: [removed[0]!.id] });
    expect(await api.recoverRuns({ repo, selectors: [] })).toMatchObject({ recovered: [], failed: [] });
    cleanupTemp();
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

  it('gets a run\'s code back from a program: checkout, branch, apply and undo', async () => {
    const { makeRepo, git, tempDir, writeFiles, cleanupTemp } = await import('./helpers/git.js');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = makeRepo({ 'train.py': 'v0\n' });
    const repo = await api.openRepo({ cwd: dir });
    writeFiles(dir, { 'train.py': 'v1\n' });
    const saved = await api.saveRun({ repo, name: 'lib' });
    const tree = git(dir, 'rev-parse', `${saved.commit}^{tree}`);
    const co = await api.checkoutRun({ repo, run: 'lib', dir: path.join(tempDir(), 'lib-code') });
    expect(git(co.path, 'rev-parse', 'HEAD^{tree}')).toBe(tree);
    expect((await api.listCheckouts({ repo })).map((c) => c.path)).toEqual([co.path]);
    expect((await api.removeCheckouts({ repo, targets: ['lib'], cwd: dir })).map((c) => c.path)).toEqual([co.path]);
    const b = await api.branchFromRun({ repo, run: 'lib', name: 'from-lib' });
    expect(git(dir, 'rev-parse', `${b.commit}^{tree}`)).toBe(tree);
    writeFiles(dir, { 'train.py': 'mine\n' });
    const applied = await api.applyRun({ repo, run: 'lib' });
    expect(applied.written).toEqual(['train.py']);
    expect((await api.listSaves({ repo })).map((s) => s.ref)).toEqual([applied.saved!.ref]);
    await api.undoApply({ repo });
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('mine\n');
    await api.redoApply({ repo });
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toBe('v1\n');
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
