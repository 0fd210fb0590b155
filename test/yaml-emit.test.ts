import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { emitYaml } from '../src/run/note/yaml-emit.js';
import { parseFastYaml } from '../src/run/note/yaml-fast.js';

const awkward = [
  '', ' ', 'plain', 'with space', 'trailing ', ' leading', 'yes', 'No', 'null', '~', 'true', '1', '0.5', '1e3', '0x10', '.inf',
  '-', '- item', '? q', ': x', 'a: b', 'a #b', '#c', '"quoted"', "'single'", 'multi\nline\n\n\nblank lines', 'tab\there',
  'unicode é 日本 🙂', '{x}', '[y]', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick', '|', '>', 'C:\\path', '\u0000nul',
  '2026-11-22', '2026-11-22T10:00:00Z', '01m81s6qxthvppe6v04a0pzyw7', '1e3', '1e5a', '0x1f', '0o17', '0b101', '12abc', '9e9', '1d', 'lr=0.01', '--lr', 'a,b', 'key:', 'x:y', '<script>alert(1)</script>',
];

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 2 || r < 0.5) {
    const k = Math.floor(rand() * 6);
    if (k === 0) return awkward[Math.floor(rand() * awkward.length)];
    if (k === 1) return (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6);
    if (k === 2) return Math.floor(rand() * 1000) - 500;
    if (k === 3) return rand() < 0.5;
    if (k === 4) return null;
    return awkward[Math.floor(rand() * awkward.length)]!.repeat(2);
  }
  if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [awkward[Math.floor(rand() * awkward.length)]!, randomValue(rand, depth + 1)]));
}

describe('YAML emitter', () => {
  it('round-trips awkward strings as keys and values', () => {
    const doc = Object.fromEntries(awkward.map((s, i) => [s || `empty${i}`, s]));
    expect(YAML.parse(emitYaml(doc))).toEqual(doc);
    expect(parseFastYaml(emitYaml(doc))).toEqual(doc);
  });

  it('round-trips 500 random documents through the yaml parser', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const doc = { id: `run${i}`, value: randomValue(rand, 0), list: [randomValue(rand, 1)], nested: { inner: randomValue(rand, 1) } };
      const text = emitYaml(doc);
      expect(YAML.parse(text)).toEqual(doc);
      expect(parseFastYaml(text)).toEqual(doc); // the fast reader agrees on everything the emitter writes
    }
  });

  it('the fast reader declines what it does not know, rather than guessing', () => {
    for (const text of ['a: {x: 1}\n', 'tags: [a, b]\n', 'a: |\n  block\n', 'a: yes\n', 'a: 0x10\n', '- top\n', 'a:   b\n', 'a: b # c\n']) {
      expect(parseFastYaml(text)).toBeUndefined();
    }
    expect(parseFastYaml('id: 01m81s6q\nn: 3\nx: -1.5e-7\ns: "q\\"x"\n')).toEqual({ id: '01m81s6q', n: 3, x: -1.5e-7, s: 'q"x' });
  });

  it('reads well in git notes show', () => {
    expect(emitYaml({ schemaVersion: 1, name: 'baseline', tags: ['a', 'b c'], params: { lr: 0.01, opt: 'adam' }, empty: {} })).toBe(
      'schemaVersion: 1\nname: baseline\ntags:\n  - a\n  - b c\nparams:\n  lr: 0.01\n  opt: adam\nempty: {}\n',
    );
  });
});
