/** Runs shown side by side are called by their names, or by the params that set them apart. */
import { afterAll, describe, expect, it } from 'vitest';
import { runLabels } from '../src/compare/display-names.js';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

const id = (n: number) => `01m${String(n).padStart(23, '0')}`;

describe('runLabels', () => {
  it('names a run without a name by the params that differ among the runs shown', () => {
    const runs = [
      { id: id(1), params: { lr: 0.1, seed: 1, epochs: 5 } },
      { id: id(2), params: { lr: 0.01, seed: 1, epochs: 5 } },
      { id: id(3), name: 'baseline', params: { lr: 0.1, seed: 2, epochs: 5 } },
    ];
    expect(runLabels(runs)).toEqual(['lr=0.1 seed=1', 'lr=0.01 seed=1', 'baseline']);
  });

  it('falls back to the id where nothing differs, and adds it where labels would repeat', () => {
    // These ids differ in their last character only: the shortest prefix that tells them apart is all of them.
    expect(runLabels([{ id: id(1), params: { lr: 1 } }, { id: id(2), params: { lr: 1 } }])).toEqual([id(1), id(2)]);
    const same = runLabels([
      { id: id(1), params: { a: 1, b: 1, c: 1, d: 1 } },
      { id: id(2), params: { a: 2, b: 2, c: 2, d: 1 } },
      { id: id(3), params: { a: 2, b: 2, c: 2, d: 2 } },
    ]);
    expect(same[0]).toBe('a=1 b=1 c=1');
    expect(same[1]).toMatch(/^a=2 b=2 c=2 \(01m0+2\)$/);
    expect(same[2]).toMatch(/^a=2 b=2 c=2 \(01m0+3\)$/);
  });

  it('reads nested params as dotted keys and cuts long values', () => {
    const labels = runLabels([
      { id: id(1), params: { model: { depth: 3 }, note: 'x'.repeat(40) } },
      { id: id(2), params: { model: { depth: 4 }, note: 'y' } },
    ]);
    expect(labels[0]).toBe(`model.depth=3 note=${'x'.repeat(23)}…`);
    expect(labels[1]).toBe('model.depth=4 note=y');
  });
});

describe('labels on screen', () => {
  it('tmt list, compare and the page call unnamed runs by their differing params', () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    for (const [lr, seed] of [[0.1, 1], [0.01, 1]]) expect(tmt(dir, ['save', '-p', `lr=${lr}`, '-p', `seed=${seed}`, '-m', `acc=${lr}`]).code).toBe(0);
    const list = tmt(dir, ['list']);
    expect(list.stdout).toMatch(/^\w+\s+lr=0\.01\s+finished/m);
    expect(list.stdout).toMatch(/^\w+\s+lr=0\.1\s+finished/m);
    const json = JSON.parse(tmt(dir, ['list', '--json']).stdout);
    expect(json.runs.map((r: { name: unknown }) => r.name)).toEqual([null, null]); // data stays data
    const compare = tmt(dir, ['compare', 'last~1', 'last']);
    expect(compare.stdout).toMatch(/^field\s+lr=0\.1\s+lr=0\.01\s*$/m);
    const page = JSON.parse(tmt(dir, ['compare', 'last~1', 'last', '--json']).stdout);
    expect(page.runs.map((r: { label: string }) => r.label)).toEqual(['lr=0.1', 'lr=0.01']);
  });
});
