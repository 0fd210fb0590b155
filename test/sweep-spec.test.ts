/**
 * Sweep specs without running anything: how a spec is read and checked, how
 * trial indices map to params (PyExpUtils' rule), random samples, command
 * lines and the range lists sbatch takes.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/sweep/spec.js';
import { allTrials, checkIndex, checkSize, trialAt, trialCount } from '../src/sweep/trials.js';
import { splitCommand, trialArgv } from '../src/sweep/command-line.js';
import { indexRanges } from '../src/sweep/ranges.js';
import { matchRuns } from '../src/sweep/progress.js';
import { summarize } from '../src/sweep/summary.js';

const GRID = `name: lr-width
command: python3 train.py --epochs 20
grid:
  lr: [0.1, 0.01, 0.001]
  hidden: [32, 64]
repeat: 2
`;

function errorOf(text: string): { code: string; message: string; hint?: string } {
  try {
    parseSpec(text, 'sweep.yaml');
  } catch (err) {
    return err as { code: string; message: string; hint?: string };
  }
  throw new Error('the spec was accepted');
}

describe('trial indices', () => {
  it('index i runs combination i mod p for repeat i div p, the first grid key changing fastest (PyExpUtils)', () => {
    const spec = parseSpec(GRID, 'sweep.yaml');
    const trials = allTrials(spec);
    expect(trials).toHaveLength(12);
    const lr = [0.1, 0.01, 0.001];
    const hidden = [32, 64];
    for (const t of trials) {
      const c = t.index % 6;
      expect(t.combination).toBe(c);
      expect(t.repeat).toBe(Math.floor(t.index / 6));
      expect(Object.fromEntries(t.params)).toEqual({ lr: lr[c % 3], hidden: hidden[Math.floor(c / 3) % 2], seed: t.repeat });
      expect(t.argv).toEqual(['python3', 'train.py', '--epochs', '20', '--lr', String(lr[c % 3]), '--hidden', String(hidden[Math.floor(c / 3) % 2]), '--seed', String(t.repeat)]);
    }
    // Every combination once per repeat, no two trials alike.
    expect(new Set(trials.map((t) => t.argv.join(' '))).size).toBe(12);
  });

  it('a grid that sets seed keeps it; without repeat there is no seed at all', () => {
    const seeded = parseSpec('command: python3 t.py\ngrid: {seed: [7, 8]}\nrepeat: 2\n', 'a.yaml');
    expect(allTrials(seeded).map((t) => Object.fromEntries(t.params))).toEqual([{ seed: 7 }, { seed: 8 }, { seed: 7 }, { seed: 8 }]);
    const plain = parseSpec('command: python3 t.py\ngrid: {lr: [1, 2]}\n', 'a.yaml');
    expect(allTrials(plain).map((t) => t.argv.slice(2))).toEqual([['--lr', '1'], ['--lr', '2']]);
    expect(plain.name).toBe('a');
  });

  it('placeholders take the params instead of flags; {{ }} are literal braces; a value starting with - is joined with =', () => {
    const spec = parseSpec('command: [python3, t.py, "--opt={opt}", "{{x}}", --d, "{d}"]\ngrid: {opt: [adam], d: [-1]}\n', 's.yaml');
    expect(trialAt(spec, 0).argv).toEqual(['python3', 't.py', '--opt=adam', '{x}', '--d', '-1']);
    expect(trialArgv({ argv: ['run'], fromList: false }, [['shift', -2], ['name', 'a b']])).toEqual(['run', '--shift=-2', '--name', 'a b']);
    // A YAML list is taken word for word.
    expect(trialAt(parseSpec('command: [python3, t.py, 1.50, 007, true]\ngrid: {x: [1]}\n', 's.yaml'), 0).argv).toEqual(['python3', 't.py', '1.50', '007', 'true', '--x', '1']);
  });

  it('--index out of range or not a number is a usage error naming the range', () => {
    const spec = parseSpec(GRID, 'sweep.yaml');
    expect(checkIndex(spec, '11')).toBe(11);
    for (const bad of ['12', '-1', 'x', '1.5', '']) expect(() => checkIndex(spec, bad)).toThrow(/lr-width has trials 0 to 11/);
  });
});

describe('random samples', () => {
  const RANDOM = `command: python3 t.py
grid: {lr: [0.1, 0.01]}
random:
  n: 8
  seed: 3
  params:
    wd: {loguniform: [1.0e-5, 1.0e-2]}
    dropout: {uniform: [0.0, 0.5]}
    act: {choice: [relu, gelu]}
    layers: {randint: [1, 4]}
`;

  it('are the same on every read, within their bounds, and crossed with the grid', () => {
    const a = allTrials(parseSpec(RANDOM, 'r.yaml'));
    const b = allTrials(parseSpec(RANDOM, 'r.yaml'));
    expect(a).toEqual(b);
    expect(a).toHaveLength(16);
    for (const t of a) {
      const p = Object.fromEntries(t.params) as Record<string, number | string>;
      expect(p.wd).toBeGreaterThanOrEqual(1e-5);
      expect(p.wd).toBeLessThanOrEqual(1e-2);
      expect(p.dropout).toBeGreaterThanOrEqual(0);
      expect(p.dropout).toBeLessThanOrEqual(0.5);
      expect(['relu', 'gelu']).toContain(p.act);
      expect([1, 2, 3, 4]).toContain(p.layers);
      expect(p.lr).toBe([0.1, 0.01][t.combination % 2]);
    }
    // The two grid points of one sample share its random values.
    expect(a[0]!.params.slice(1)).toEqual(a[1]!.params.slice(1));
    expect(new Set(a.map((t) => t.params.find(([k]) => k === 'wd')![1])).size).toBe(8);
  });

  it('another seed gives other samples; a larger n keeps the samples there were', () => {
    const base = allTrials(parseSpec(RANDOM, 'r.yaml'));
    const other = allTrials(parseSpec(RANDOM.replace('seed: 3', 'seed: 4'), 'r.yaml'));
    expect(other.map((t) => t.argv)).not.toEqual(base.map((t) => t.argv));
    const more = allTrials(parseSpec(RANDOM.replace('n: 8', 'n: 12'), 'r.yaml'));
    expect(more.slice(0, 16)).toEqual(base);
  });
});

describe('bad specs: one line with where, exit 2 (BAD_ARGUMENT)', () => {
  it.each([
    ['a YAML error', 'command: x\ngrid:\n  lr: [0.1, 0.2\n', /^sweep\.yaml:4:1: /],
    ['an unknown key', 'command: python3 t.py\ngrid: {lr: [1]}\nrepaet: 3\n', /^sweep\.yaml:3:1: unknown key "repaet"/],
    ['an unknown random key', 'command: python3 t.py\nrandom:\n  n: 2\n  sead: 1\n  params: {x: {uniform: [0, 1]}}\n', /^sweep\.yaml:4:3: unknown key "sead"/],
    ['an empty grid', 'command: python3 t.py\ngrid: {}\n', /^sweep\.yaml:2:7: the grid is empty/],
    ['an empty value list', 'command: python3 t.py\ngrid:\n  lr: []\n', /^sweep\.yaml:3:7: grid lr is empty/],
    ['no grid and no random', 'command: python3 t.py\n', /sweeps nothing/],
    ['no command', 'grid: {lr: [1]}\n', /has no command/],
    ['a duplicate key', 'command: a\ncommand: b\ngrid: {lr: [1]}\n', /^sweep\.yaml:2:1: Map keys must be unique/],
    ['a value listed twice', 'command: python3 t.py\ngrid:\n  lr: [0.1, 0.2, 0.1]\n', /^sweep\.yaml:3:18: grid lr lists 0.1 twice/],
    ['a nested value', 'command: python3 t.py\ngrid:\n  lr: [[1, 2]]\n', /^sweep\.yaml:3:8: grid lr: a value must be a number/],
    ['a null value', 'command: python3 t.py\ngrid:\n  lr: [~]\n', /not empty/],
    ['uniform with low > high', 'command: python3 t.py\nrandom:\n  n: 2\n  params:\n    d: {uniform: [0.5, 0.1]}\n', /^sweep\.yaml:5:18: random d: uniform needs low < high/],
    ['loguniform from 0', 'command: python3 t.py\nrandom:\n  n: 2\n  params:\n    wd: {loguniform: [0, 1]}\n', /loguniform needs bounds above 0/],
    ['randint of fractions', 'command: python3 t.py\nrandom:\n  n: 2\n  params:\n    k: {randint: [0.5, 3]}\n', /randint takes two whole numbers/],
    ['an unknown distribution', 'command: python3 t.py\nrandom:\n  n: 2\n  params:\n    k: {gaussian: [0, 1]}\n', /unknown distribution "gaussian"/],
    ['a random n of 0', 'command: python3 t.py\nrandom:\n  n: 0\n  params: {x: {uniform: [0, 1]}}\n', /random n must be a whole number of 1 or more/],
    ['a param name that is no flag', 'command: python3 t.py\ngrid:\n  "learning rate": [1]\n', /^sweep\.yaml:3:3: param name "learning rate" cannot be a command-line flag/],
    ['a param both in grid and random', 'command: python3 t.py\ngrid: {x: [1]}\nrandom:\n  n: 2\n  params: {x: {uniform: [0, 1]}}\n', /x is in the grid and in random/],
    ['a repeat of 0', 'command: python3 t.py\ngrid: {x: [1]}\nrepeat: 0\n', /repeat must be a whole number of 1 or more/],
    ['shell syntax in the command', 'command: python3 t.py | tee log\ngrid: {x: [1]}\n', /^sweep\.yaml:1:10: the command uses the shell's \|/],
    ['an unknown placeholder', 'command: python3 t.py --lr {lrr}\ngrid: {lr: [1]}\n', /the command's \{lrr\} names no param/],
    ['a param the placeholders leave out', 'command: python3 t.py --lr {lr}\ngrid: {lr: [1]}\nrepeat: 2\n', /not \{seed\} \(repeat sets seed\)/],
    ['a bad sweep name', 'name: "my sweep"\ncommand: python3 t.py\ngrid: {x: [1]}\n', /^sweep\.yaml:1:7: sweep name "my sweep"/],
    ['a list at the top', '- a\n- b\n', /a sweep spec is a mapping/],
    ['an integer too large to keep', 'command: python3 t.py\ngrid:\n  seed: [12345678901234567890]\n', /^sweep\.yaml:3:10: grid seed: 12345678901234567890 is too large to keep exactly/],
    ['bounds whose difference overflows', 'command: python3 t.py\nrandom:\n  n: 2\n  params:\n    u: {uniform: [-1.7e308, 1.7e308]}\n', /bounds closer together/],
    ['two YAML documents', 'command: python3 t.py\ngrid: {x: [1]}\n---\ncommand: b\n', /one YAML document/],
    ['a sh -c script that drops its params', "command: [sh, -c, 'python3 t.py | tee log']\ngrid: {x: [1]}\n", /^sweep\.yaml:1:10: the params would reach sh, not the script it runs/],
    ['a command starting with ~', 'command: ~/bin/train --x 1\ngrid: {x: [1]}\n', /the shell's ~/],
  ])('%s', (_, text, message) => {
    const err = errorOf(text);
    expect(err.code).toBe('BAD_ARGUMENT');
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n/);
    expect(err.hint).toBeTruthy();
  });

  it('a sweep over 10,000 trials is refused without --max-trials, and counted without being listed', () => {
    const spec = parseSpec(`command: python3 t.py\ngrid:\n${Array.from({ length: 17 }, (_, k) => `  p${k}: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]`).join('\n')}\n`, 'big.yaml');
    expect(trialCount(spec)).toBe(Infinity);
    expect(() => checkSize(spec)).toThrow(/more than 2\^53 trials, over the limit of 10,000/);
    const mid = parseSpec('command: python3 t.py\ngrid:\n  a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n  b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nrepeat: 100\n', 'mid.yaml');
    expect(() => checkSize(mid)).toThrow(expect.objectContaining({ message: expect.stringMatching(/11,000 trials/), hint: '--max-trials 11000 lets it run, if you mean it' }));
    expect(checkSize(mid, 11_000)).toBe(11_000);
  });
});

describe('command lines', () => {
  it('split as sh splits words, without running a shell', () => {
    expect(splitCommand(`python3 -u train.py --name 'a b' --msg "it's \\"x\\"" c\\ d`)).toEqual(['python3', '-u', 'train.py', '--name', 'a b', '--msg', 'it\'s "x"', 'c d']);
    for (const bad of ['a > b', 'a; b', 'a && b', 'echo $HOME', 'ls *.py', 'echo "$HOME"', "echo 'x", 'FOO=1 python3 t.py', 'a\\']) expect(() => splitCommand(bad)).toThrow();
  });
});

describe('index ranges', () => {
  it('collapse runs of indices as sbatch --array takes them', () => {
    expect(indexRanges([0, 1, 2, 3, 7])).toBe('0-3,7');
    expect(indexRanges([9, 4, 5, 1])).toBe('1,4-5,9');
    expect(indexRanges([])).toBe('');
  });
});

describe('progress and summary', () => {
  const spec = parseSpec(GRID, 'sweep.yaml');
  const trials = allTrials(spec);
  const run = (id: string, index: number, status: string, acc?: number, argvOf = index) => ({
    id,
    status: status as 'finished',
    tree: 't',
    index,
    metrics: acc === undefined ? {} : { acc: { first: acc, last: acc, min: acc, max: acc, count: 1 } },
    key: JSON.stringify(['', trials[argvOf]!.repeat, ...trials[argvOf]!.argv]),
  });

  it('a run counts for the trial with its command line and repeat, even under an older index', () => {
    const p = matchRuns(trials, [run('a1', 0, 'failed'), run('a2', 0, 'finished', 0.5), run('b1', 99, 'finished', 0.7, 4), { ...run('s1', 1, 'finished'), key: '["other"]' }]);
    expect(p.trials[0]!.runs.map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(p.trials[0]!.finished?.id).toBe('a2');
    expect(p.trials[4]!.finished?.id).toBe('b1');
    expect(p.trials.filter((t) => !t.finished).map((t) => t.trial.index)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11]);
    expect(p.strays.map((r) => r.id)).toEqual(['s1']);
  });

  it('folds the repeats of each combination into mean ± std, best first', () => {
    const runs = trials.map((t) => run(`r${t.index}`, t.index, 'finished', t.combination === 4 ? 0.9 + t.repeat * 0.02 : 0.5 + t.combination / 100));
    const s = summarize(spec, matchRuns(trials, runs), 'acc', 'max');
    expect(s.rows).toHaveLength(6);
    expect(s.best?.params).toEqual({ lr: 0.01, hidden: 64 });
    expect(s.best?.mean).toBeCloseTo(0.91, 12);
    expect(s.best?.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    expect(s.best?.count).toBe(2);
    expect(s.rows.map((r) => r.combination)).toEqual([4, 5, 3, 2, 1, 0]);
    const low = summarize(spec, matchRuns(trials, runs), 'acc', 'min');
    expect(low.rows[0]!.combination).toBe(0);
  });
});
