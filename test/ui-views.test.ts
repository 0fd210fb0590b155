/**
 * The arithmetic of tmt ui's views over many runs, checked against Python's
 * statistics module.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spread } from '../src/ui/client/stats.js';
import { band } from '../src/ui/client/series-band.js';

/** Runs a Python program with `input` as JSON on stdin; its stdout is JSON. */
function python(code: string, input: unknown): any {
  const r = spawnSync('python3', ['-c', `import json, statistics, sys\ndata = json.load(sys.stdin)\n${code}`], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const MEAN_STD = `print(json.dumps([[statistics.mean(v), statistics.stdev(v) if len(v) > 1 else None] for v in data]))`;

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(expected), 1e-300));
}

describe('the views arithmetic', () => {
  it('mean and sample std are what statistics.mean and statistics.stdev give', () => {
    const sets = [[0.1, 0.2, 0.3], [1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.4], [5], [-3.5, 2.25, 0, 1e-12, 7], [0.7, 0.7, 0.7]];
    const expected: Array<[number, number | null]> = python(MEAN_STD, sets);
    sets.forEach((values, i) => {
      const sp = spread(values)!;
      close(sp.mean, expected[i]![0]);
      if (expected[i]![1] === null) expect(sp.std).toBeUndefined();
      else close(sp.std!, expected[i]![1]!);
    });
    expect(spread([])).toBeUndefined();
  });

  it('a band interpolates each run over the steps every run spans', () => {
    const b = band([
      { steps: [0, 2, 4], values: [0, 2, 4], total: 3 },
      { steps: [1, 3, 5], values: [10, 30, 50], total: 3 },
      null,
    ])!;
    // Steps 1..4 are inside both runs; the first run is read between its points, the second past its own at 2 and 4.
    expect(b.steps).toEqual([1, 2, 3, 4]);
    expect(b.mean).toEqual([5.5, 11, 16.5, 22]);
    const expected: Array<[number, number]> = python(MEAN_STD, [[1, 10], [2, 20], [3, 30], [4, 40]]);
    b.std.forEach((sd, k) => close(sd, expected[k]![1]));
    expect(band([{ steps: [0, 1], values: [1, 2], total: 2 }, { steps: [5, 6], values: [1, 2], total: 2 }])).toBeUndefined();
    expect(band([{ steps: [0, 1], values: [1, 2], total: 2 }])!.std).toEqual([]);
  });
});
