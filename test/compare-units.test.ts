/** The pure pieces behind diff and compare, tested without git or a browser. */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeInlineScript, jsonForScript } from '../src/html/escape.js';
// The built page assets: dist/html/client.js is esbuild's bundle of src/html/client, which has no copy under src/.
import { loadAssets } from '../dist/html/assets.js';
import { sniffImage, looksText } from '../src/compare/sniff.js';
import { thin } from '../src/compare/series.js';
import { tailLines } from '../src/compare/stderr-tail.js';
import { flattenParams, formatParam } from '../src/compare/params.js';
import { parseRawNumstat } from '../src/git/diff-files.js';
import { pairPatches, splitPatch } from '../src/git/diff-patch.js';
import { png } from './helpers/runs.js';

describe('escaping for the page', () => {
  it('jsonForScript leaves nothing that can end or bend a script block, and parses back to the same value', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'a & b > c', d: '\u2028\u2029', e: ['é', 1.5, null] };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapeHtml escapes text and attribute contexts', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapeInlineScript keeps the meaning of strings, regexes and escaped <', () => {
    const src = String.raw`var a = "</script>", b = /<!--x/, c = '\<script>', d = '\\<!--', e = '<Script src>';`;
    const out = escapeInlineScript(src);
    expect(out).not.toMatch(/<(!--|\/?script)/i);
    const run = (code: string) => vm.runInNewContext(`${code}; [a, b.test('<!--x'), b.test('x'), c, d, e]`);
    expect(run(out)).toEqual(run(src));
  });

  it('the inlined bundles still compile after escaping, and hold no </script or <!--', () => {
    const { scripts } = loadAssets();
    expect(scripts).toHaveLength(2);
    for (const s of scripts) {
      expect(s).not.toMatch(/<(!--|\/?script)/i);
      expect(() => new vm.Script(s)).not.toThrow();
    }
  });
});

describe('content types by magic bytes', () => {
  it('recognises PNG, JPEG, GIF, WebP and SVG by their bytes, not their names', () => {
    expect(sniffImage(png(2, 2, [1, 2, 3]))).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImage(Buffer.from('\uFEFF<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('image/svg+xml');
    expect(sniffImage(Buffer.from('<html><svg></svg></html>'))).toBeUndefined();
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffImage(Buffer.from('\x89PNG but text', 'latin1'))).toBeUndefined();
    expect(looksText(Buffer.from('plain\ntext'))).toBe(true);
    expect(looksText(Buffer.from([1, 0, 2]))).toBe(false);
  });
});

describe('series thinning', () => {
  it('keeps short series whole, sorted by step; NaN and infinities are counted, not drawn', () => {
    expect(thin([{ step: 2, value: 3 }, { step: 1, value: 5 }, { step: 3, value: NaN }, { step: 4, value: Infinity }], 10)).toEqual({ steps: [1, 2], values: [5, 3], total: 2, nonFinite: { count: 2, step: 3, value: 'NaN' } });
  });

  it('thins a million points to the budget, keeping the first, the last, the best and the worst', () => {
    const points = Array.from({ length: 1_000_000 }, (_, i) => ({ step: i, value: Math.sin(i / 1000) + (i === 654_321 ? -5 : 0) + (i === 123_456 ? 7 : 0) }));
    const t = thin(points, 4000);
    expect(t.total).toBe(1_000_000);
    expect(t.steps.length).toBeLessThanOrEqual(4002);
    expect(t.steps[0]).toBe(0);
    expect(t.steps[t.steps.length - 1]).toBe(999_999);
    expect(Math.min(...t.values)).toBe(points[654_321]!.value);
    expect(Math.max(...t.values)).toBe(points[123_456]!.value);
    expect([...t.steps].sort((a, b) => a - b)).toEqual(t.steps);
  });
});

describe('params as rows', () => {
  it('flattens nested params to dotted keys and prints values exactly', () => {
    expect([...flattenParams({ lr: 0.001, model: { depth: 4, act: { name: 'gelu' } }, layers: [1, 2], empty: {}, none: null })]).toEqual([
      ['lr', 0.001],
      ['model.depth', 4],
      ['model.act.name', 'gelu'],
      ['layers', [1, 2]],
      ['empty', {}],
      ['none', null],
    ]);
    expect([0.1 + 0.2, 'x y', true, null, [1, 'a'], { k: 1 }].map(formatParam)).toEqual(['0.30000000000000004', 'x y', 'true', 'null', '[1,"a"]', '{"k":1}']);
  });
});

describe("parsing git's file list and splitting its patch", () => {
  it('reads --raw --numstat -z with renames, binary files and names holding tabs, newlines and quotes', () => {
    const raw = [
      ':100644 100644 aaaaaaa bbbbbbb R087', 'old\tname', 'new\nname',
      ':000000 100755 0000000 ccccccc A', 'we"ird.sh',
      ':100644 100644 ddddddd eeeeeee M', 'img.bin',
      '3\t1\t', 'old\tname', 'new\nname',
      '2\t0\twe"ird.sh',
      '-\t-\timg.bin',
      '',
    ].join('\0');
    expect(parseRawNumstat(Buffer.from(raw))).toEqual([
      { status: 'R', path: 'new\nname', oldPath: 'old\tname', similarity: 87, oldMode: '100644', newMode: '100644', oldOid: 'aaaaaaa', newOid: 'bbbbbbb', added: 3, deleted: 1 },
      { status: 'A', path: 'we"ird.sh', oldMode: '000000', newMode: '100755', oldOid: '0000000', newOid: 'ccccccc', added: 2, deleted: 0 },
      { status: 'M', path: 'img.bin', oldMode: '100644', newMode: '100644', oldOid: 'ddddddd', newOid: 'eeeeeee', added: null, deleted: null },
    ]);
  });

  it('splits a patch only at file headers, and pairs the two halves of a type change with one file', () => {
    const patch = Buffer.from(
      [
        'diff --git a/a.txt b/a.txt', '--- a/a.txt', '+++ b/a.txt', '@@ -1 +1 @@', '-diff --git looks like a header', '+ diff --git but is content',
        'diff --git a/t b/t', 'deleted file mode 100644', '--- a/t', '+++ /dev/null', '@@ -1 +0,0 @@', '-x',
        'diff --git a/t b/t', 'new file mode 120000', '--- /dev/null', '+++ b/t', '@@ -0,0 +1 @@', '+target',
        'diff --git a/u b/u', 'new file mode 100644', '',
      ].join('\n'),
    );
    const pieces = splitPatch(patch);
    expect(pieces.map((p) => p.toString().split('\n')[0])).toEqual(['diff --git a/a.txt b/a.txt', 'diff --git a/t b/t', 'diff --git a/t b/t', 'diff --git a/u b/u']);
    const file = (status: string, path: string) => ({ status, path, oldMode: '', newMode: '', oldOid: '', newOid: '', added: 0, deleted: 0 }) as never;
    const paired = pairPatches([file('M', 'a.txt'), file('T', 't'), file('A', 'u')], pieces)!;
    expect(paired).toHaveLength(3);
    expect(paired[1]!.toString()).toContain('deleted file mode 100644');
    expect(paired[1]!.toString()).toContain('new file mode 120000');
    expect(pairPatches([file('M', 'a.txt')], pieces)).toBeUndefined();
  });
});

describe('a failed run\'s stderr tail', () => {
  const limits = { bytes: 1024, lines: 3, lineChars: 10 };
  it('keeps the last lines as the terminal last showed them', () => {
    const log = Buffer.from('one\ntwo\r\n\x1b[31mred\x1b[0m \x1b]0;title\x07x\n10%\r50%\r100%\n');
    expect(tailLines(log, false, limits)).toEqual({ lines: ['two', 'red x', '100%'], earlier: true });
    expect(tailLines(Buffer.from('a\nb\n'), false, limits)).toEqual({ lines: ['a', 'b'], earlier: false });
  });
  it('drops the partial first line of a cut log, and cuts long lines', () => {
    expect(tailLines(Buffer.from('tail of a line\nwhole\n'), true, limits)).toEqual({ lines: ['whole'], earlier: true });
    expect(tailLines(Buffer.from('0123456789abcdef\n'), false, limits).lines).toEqual(['0123456789…']);
  });
});
