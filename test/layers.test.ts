/**
 * Layers point one way: cli → html/compare/sync → query → run → git, with
 * util and errors below everything and src/index.ts (the library) on top.
 * A module may import from its own layer or any layer below it, never above:
 * this test reads every import in src/ and fails on one that points up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** Higher imports lower. Sharing (sync/) sits beside compare/: both pick runs through query/. */
const LAYERS: Array<[prefix: string, layer: number]> = [
  ['index.ts', 6],
  ['cli/', 5],
  ['html/', 4],
  ['compare/', 4],
  ['sync/', 4],
  ['sweep/', 4],
  ['ui/', 4],
  ['query/', 3],
  ['run/', 2],
  ['git/', 1],
  ['util/', 0],
  ['errors.ts', 0],
];

function layerOf(rel: string): number {
  const hit = LAYERS.find(([prefix]) => rel === prefix || rel.startsWith(prefix));
  if (!hit) throw new Error(`no layer for src/${rel}: add it to LAYERS`);
  return hit[1];
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a module (static `from '...'` and dynamic `import('...')`), resolved to src-relative .ts paths. */
function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

function upwardImports(files: string[], read: (f: string) => string = (f) => fs.readFileSync(f, 'utf8')): string[] {
  const out: string[] = [];
  for (const file of files) {
    const rel = path.relative(SRC, file);
    // The page's browser code is bundled on its own and imports only itself.
    if (rel.startsWith('html/client/')) continue;
    for (const target of importsOf(file, read(file))) {
      if (layerOf(target) > layerOf(rel)) out.push(`src/${rel} imports src/${target}`);
    }
  }
  return out;
}

describe('layers', () => {
  it('no module in src/ imports from a layer above its own', () => {
    const files = sources(SRC);
    // The check reads real imports, not none: a broken pattern would pass vacuously.
    expect(files.reduce((n, f) => n + importsOf(f).length, 0)).toBeGreaterThan(500);
    expect(upwardImports(files)).toEqual([]);
  });

  it('the check catches an upward import (git/ importing run/)', () => {
    const file = path.join(SRC, 'git/exec.ts');
    const read = (f: string) => (f === file ? `${fs.readFileSync(f, 'utf8')}\nimport { readRuns } from '../run/read/read.js';\n` : fs.readFileSync(f, 'utf8'));
    expect(upwardImports([file], read)).toEqual(['src/git/exec.ts imports src/run/read/read.ts']);
  });
});
