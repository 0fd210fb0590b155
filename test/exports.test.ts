import { describe, expect, it } from 'vitest';
import * as api from '../dist/index.js';

describe('library API', () => {
  it('exports exactly the pinned names (change this list on purpose, not by accident)', () => {
    expect(Object.keys(api).sort()).toEqual([
      'RunSession',
      'TmtError',
      'createRun',
      'isTmtError',
      'listRuns',
      'openRepo',
      'readRuns',
      'recordRun',
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
});
