/** query/pick.ts: the one way diff, compare, push and rm turn selectors and --where into runs. */
import { describe, expect, it } from 'vitest';
import { pickRuns } from '../src/query/pick.js';
import type { RunMeta } from '../src/run/note/metadata.js';
import type { RunRecord } from '../src/run/read/read.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');

function run(n: number, name: string, acc: number): RunRecord {
  const id = `01m0000000000000000000000${n}`;
  const meta: RunMeta = {
    schemaVersion: 1,
    id,
    name,
    tags: [],
    status: 'finished',
    params: {},
    metrics: { acc: { last: acc, min: acc, max: acc, count: 1 } as RunMeta['metrics'][string] },
    started: `2026-12-0${n}T10:00:00Z`,
    git: { dirty: false, tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' },
  };
  return { id, commit: `${n}`.repeat(40).slice(0, 40), meta, noteBlob: null };
}

// Oldest first, as every source has them.
const RUNS = [run(1, 'base', 0.5), run(2, 'wide', 0.7), run(3, 'base', 0.6), run(4, 'deep', 0.9)];
const ids = (p: ReturnType<typeof pickRuns>) => p.runs.map((r) => r.record.meta!.name + '@' + r.record.id.slice(-1));

describe('pickRuns', () => {
  it('keeps the selectors in the order given, then --where matches oldest first, each run once', () => {
    const p = pickRuns(RUNS, { selectors: ['deep', 'base~1'], where: 'metrics.acc >= 0.6', nowMs: NOW });
    expect(ids(p)).toEqual(['deep@4', 'base@1', 'wide@2', 'base@3']);
    expect(p.runs.map((r) => r.selector)).toEqual(['deep', 'base~1', undefined, undefined]);
  });

  it('a run named twice is one run, or an error that names both selectors where each must differ', () => {
    expect(ids(pickRuns(RUNS, { selectors: ['base', 'last~1'], nowMs: NOW }))).toEqual(['base@3']);
    expect(() => pickRuns(RUNS, { selectors: ['base', 'last~1'], nowMs: NOW, repeats: 'error', repeatHint: 'or one run alone' })).toThrow(
      /"base" and "last~1" name the same run, 01m000000000 \(base\)/,
    );
  });

  it('--limit keeps the newest matches, still listed oldest first', () => {
    expect(ids(pickRuns(RUNS, { where: 'metrics.acc > 0', limit: 2, nowMs: NOW }))).toEqual(['base@3', 'deep@4']);
  });

  it('a filter that matches nothing is an error, unless the caller asks for an empty pick', () => {
    expect(() => pickRuns(RUNS, { where: 'metrics.acc > 2', nowMs: NOW })).toThrow(/no run matches --where "metrics.acc > 2"/);
    expect(pickRuns(RUNS, { where: 'metrics.acc > 2', nowMs: NOW, noMatch: 'empty' }).runs).toEqual([]);
  });

  it('a selector that names no run is an error, or kept for the caller to look for on a remote', () => {
    expect(() => pickRuns(RUNS, { selectors: ['nope'], nowMs: NOW })).toThrow(/no run matches "nope"/);
    const p = pickRuns(RUNS, { selectors: ['nope', 'wide'], nowMs: NOW, unmatched: 'keep' });
    expect(p.unmatched).toEqual(['nope']);
    expect(ids(p)).toEqual(['wide@2']);
  });

  it('an ambiguous selector stays an error even when unmatched ones are kept', () => {
    expect(() => pickRuns(RUNS, { selectors: ['01m'], nowMs: NOW, unmatched: 'keep' })).toThrow(/ambiguous/);
  });
});
