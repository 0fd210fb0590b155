import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { finalNewlineNote } from '../src/html/client/final-newline.js';
import { patchChunks } from '../src/html/client/patch-chunks.js';
import { cleanupTemp, tempDir } from './helpers/git.js';
import { testEnv } from './helpers/env.js';

afterAll(cleanupTemp);

/** git's own patch between two texts (`null`: the file does not exist on that side). */
function gitPatch(before: string | null, after: string | null): string {
  const dir = tempDir();
  const file = (name: string, text: string | null) => {
    if (text === null) return '/dev/null';
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const r = spawnSync('git', ['diff', '--no-index', '--', file('a.txt', before), file('b.txt', after)], { cwd: dir, env: testEnv, encoding: 'utf8' });
  expect(r.status).toBe(1);
  return r.stdout;
}

/**
 * Walks every hunk of every piece: the header's counts match its lines, and
 * each line sits at the number the header gives it in the old and new text.
 */
function checkPieces(pieces: string[], before: string, after: string): number {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  let checked = 0;
  for (const piece of pieces) {
    const lines = piece.split('\n');
    for (let k = 0; k < lines.length; k++) {
      const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@/.exec(lines[k]!);
      if (!m) continue;
      const [oldCount, newCount] = [Number(m[2]), Number(m[4])];
      let oldAt = Number(m[1]) + (oldCount === 0 ? 1 : 0);
      let newAt = Number(m[3]) + (newCount === 0 ? 1 : 0);
      expect(oldAt).toBeGreaterThanOrEqual(1);
      expect(newAt).toBeGreaterThanOrEqual(1);
      let [o, n] = [0, 0];
      for (k++; k < lines.length && /^[ +\-\\]/.test(lines[k]!); k++) {
        const [kind, text] = [lines[k]![0], lines[k]!.slice(1)];
        if (kind === '\\') continue;
        if (kind !== '+') expect(text).toBe(oldLines[oldAt++ - 1]), o++;
        if (kind !== '-') expect(text).toBe(newLines[newAt++ - 1]), n++;
        checked++;
      }
      k--;
      expect([o, n]).toEqual([oldCount, newCount]);
    }
  }
  return checked;
}

const numbered = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`).join('\n') + '\n';

describe('a large patch cut into pieces for the page', () => {
  it('a new file: every piece numbers its lines as the file has them', () => {
    const after = numbered(2001, 'line');
    const pieces = patchChunks(gitPatch(null, after), 500);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces[0]).toMatch(/^@@ -0,0 \+1,\d+ @@$/m);
    expect(pieces[1]).toMatch(/^@@ -0,0 \+\d+,\d+ @@ \(continued\)$/m);
    expect(pieces.join('')).not.toMatch(/@@ --/);
    expect(checkPieces(pieces, '', after)).toBe(2001);
  });

  it('a deleted file, and a file whose middle changed, with context and a missing final newline', () => {
    const before = numbered(1500, 'old');
    expect(checkPieces(patchChunks(gitPatch(before, null), 400), before, '')).toBe(1500);
    const mid = numbered(100, 'same') + numbered(1200, 'was') + numbered(100, 'kept');
    const changed = (numbered(100, 'same') + numbered(900, 'now') + numbered(100, 'kept')).replace(/\n$/, '');
    const pieces = patchChunks(gitPatch(mid, changed), 300);
    expect(pieces.length).toBeGreaterThan(3);
    expect(checkPieces(pieces, mid, changed)).toBeGreaterThan(2100);
    expect(pieces.at(-1)).toMatch(/\n\\ No newline at end of file\n$/);
  });

  it('a small patch comes back whole', () => {
    const patch = gitPatch('a\n', 'b\n');
    expect(patchChunks(patch, 500)).toEqual([patch]);
  });
});

describe('final newlines, which diff2html does not draw', () => {
  it('says which side lacks one, and when that is the only change', () => {
    expect(finalNewlineNote(gitPatch('a\nb', 'a\nb\n'))).toBe('Only the final newline changed: the old version has no newline at the end of the file; the new one has.');
    expect(finalNewlineNote(gitPatch('a\nb\n', 'a\nb'))).toBe('Only the final newline changed: the new version has no newline at the end of the file; the old one had.');
    expect(finalNewlineNote(gitPatch('a\nb', 'a\nc\n'))).toBe('The old version has no newline at the end of the file; the new one has.');
    expect(finalNewlineNote(gitPatch('a\nb', 'z\nb'))).toBe('Neither version ends with a newline.');
    expect(finalNewlineNote(gitPatch('a\nb', 'a\nc'))).toBe('Neither version ends with a newline.');
    expect(finalNewlineNote(gitPatch(null, 'new'))).toBe('The file has no newline at the end.');
    expect(finalNewlineNote(gitPatch('gone', null))).toBe('The file has no newline at the end.');
    expect(finalNewlineNote(gitPatch('select 1;\n-- end', 'select 1;\n-- end\n'))).toMatch(/^Only the final newline changed: the old version/); // "--- end" is a line, not a header
    expect(finalNewlineNote(gitPatch('a\n', 'b\n'))).toBeUndefined();
    expect(finalNewlineNote(gitPatch('--- x\n', '+++ y\n'))).toBeUndefined(); // lines that look like headers
  });
});
