/**
 * Thousands of changed files and very large files: the page says what it
 * left out and which flag brings it back, opens without drawing every file,
 * draws files as they scroll into view, and draws a huge file on request.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, screenshot, useBrowser } from './helpers/browser.js';
import { makeRepo, tempDir } from './helpers/git.js';
import { recordRun } from './helpers/runs.js';
import { tmt } from './helpers/tmt.js';

const FILES = 2000;
const BIG_LINES = 4000;

const browserOf = useBrowser();
let dir: string;
beforeAll(() => {
  dir = makeRepo({});
  const write = (version: string) => {
    for (let i = 0; i < FILES; i++) {
      const file = path.join(dir, `pkg${i % 20}`, `mod${String(i).padStart(4, '0')}.py`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `# module ${i}\nVALUE = ${version === 'a' ? i : i + 1}\n\ndef f():\n    return VALUE\n`);
    }
    fs.writeFileSync(path.join(dir, 'zz_big.csv'), Array.from({ length: BIG_LINES }, (_, k) => `${k},${version}`).join('\n') + '\n');
  };
  write('a');
  recordRun(dir, { name: 'a' });
  write('b');
  recordRun(dir, { name: 'b' });
});

function page(args: string[]): string {
  const file = path.join(tempDir('tmt-large-'), 'page.html');
  const r = tmt(dir, ['diff', 'a', 'b', '-o', file, ...args]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return file;
}

/** diff2html output drawn so far. */
const drawn = (p: import('playwright-core').Page) => p.locator('#code .d2h-file-wrapper').count();

describe(`a diff of ${FILES + 1} files and ${BIG_LINES * 2 + FILES * 2} changed lines`, () => {
  it('by default shows 1,000 files and says how many more there are and how to see them', async () => {
    const { page: p, errors } = await load(browserOf(), page([]));
    expect(await p.locator('#code .diff-head').innerText()).toMatch(/2,001 files changed, \+6,000 −6,000/);
    expect(await p.locator('details.file').count()).toBe(1000);
    const notice = await p.locator('.hidden-files > p').innerText();
    expect(notice).toBe('1,001 more files not shown: the page shows at most 1,000 files; raise it with --max-files N (0 for all).');
    await p.locator('.hidden-files summary').click();
    expect(await p.locator('.hidden-files li').count()).toBe(1001);
    expect(await p.locator('.hidden-files li').last().innerText()).toMatch(/zz_big\.csv \+4,000 −4,000/);
    expect(errors).toEqual([]);
    await p.close();
  });

  it('with --max-files 0 holds every file, but draws only those near the screen until they scroll into view', async () => {
    const { page: p, errors } = await load(browserOf(), page(['--max-files', '0']));
    expect(await p.locator('details.file').count()).toBe(FILES + 1);
    expect(await p.locator('.hidden-files').count()).toBe(0);
    const first = await drawn(p);
    expect(first).toBeLessThan(60);
    await p.locator('#code').scrollIntoViewIfNeeded();
    await expect.poll(() => drawn(p)).toBeGreaterThan(first);
    expect(await drawn(p)).toBeLessThan(200);

    // Jumping to a file from the list draws it.
    const target = p.locator('details.file').nth(1500);
    await p.locator('.file-list > summary').click(); // long lists start folded
    await p.locator('.file-list li a').nth(1500).click();
    await expect.poll(() => target.locator('.d2h-code-line-ctn').count()).toBeGreaterThan(0);
    const n = Number(/mod(\d{4})\.py/.exec(await target.locator('summary').innerText())![1]);
    expect(await target.locator('td.d2h-ins .d2h-code-line-ctn').innerText()).toBe(`VALUE = ${n + 1}`);

    // The huge file waits for a click, then draws.
    const big = p.locator('details.file', { hasText: 'zz_big.csv' });
    await big.scrollIntoViewIfNeeded();
    const button = big.locator('button.draw-large');
    await expect.poll(() => button.innerText()).toBe(`Show this diff (${(BIG_LINES * 2 + 5).toLocaleString('en-US')} lines)`);
    expect(await big.locator('.d2h-file-wrapper').count()).toBe(0);
    await button.click();
    await expect.poll(() => big.locator('td.d2h-ins').count(), { timeout: 60_000 }).toBeGreaterThan(BIG_LINES);
    // And stays drawn across a layout switch.
    await p.locator('button[data-format="side-by-side"]').click();
    await big.scrollIntoViewIfNeeded();
    await expect.poll(() => big.locator('.draw-progress').textContent(), { timeout: 60_000 }).toBe(`Drawn: ${(BIG_LINES * 2 + 5).toLocaleString('en-US')} lines, without syntax highlighting.`);
    expect(await big.locator('.d2h-file-diff').count()).toBe(0);
    expect(await big.locator('td.d2h-ins .d2h-code-line-ctn').count()).toBe(BIG_LINES);
    await screenshot(p, 'large-diff', false);
    await p.locator('button[data-format="line-by-line"]').click(); // the choice is remembered: leave the default for the next tests
    expect(errors).toEqual([]);
    expect(browserOf().network).toEqual([]);
    await p.close();
  });

  it('--max-lines cuts the diff: the file that crosses the limit is cut and says so, the rest are listed', async () => {
    const { page: p } = await load(browserOf(), page(['--max-files', '0', '--max-lines', '5000']));
    const shown = await p.locator('details.file').count();
    expect(shown).toBe(Math.ceil(5000 / 11)); // each small file's patch is 11 lines: 4 header lines, a hunk header, 6 lines
    const last = p.locator('details.file').last();
    await last.scrollIntoViewIfNeeded();
    await expect.poll(() => last.locator('.note').first().textContent()).toMatch(/^Cut at \d+ lines? of 11 by the page's line limit \(--max-lines\)\.$/);
    expect(await p.locator('.hidden-files > p').innerText()).toMatch(/^1,\d{3} more files not shown: the page holds at most 5,000 diff lines; raise it with --max-lines N \(0 for all\)\.$/);
    await p.close();
  });
});

describe('a very large file drawn on request: in pieces, every line at its number, the page answering meanwhile', () => {
  const N = 40_000;
  let big: string;
  let oldLines: string[];
  let newLines: string[];
  beforeAll(() => {
    big = makeRepo({});
    oldLines = Array.from({ length: N }, (_, k) => `row ${k + 1}`);
    // Deletions, an insertion, a change run longer than a drawn piece, and a last line without a newline.
    newLines = [
      ...oldLines.slice(0, 99),
      ...oldLines.slice(199, 1000),
      ...Array.from({ length: 50 }, (_, k) => `inserted ${k}`),
      ...oldLines.slice(1000, 1999),
      ...Array.from({ length: 3000 }, (_, k) => `changed ${k}`),
      ...oldLines.slice(4999, 9999),
      ...oldLines.slice(9999).map((l) => `${l} b`),
    ];
    fs.writeFileSync(path.join(big, 'data.txt'), oldLines.join('\n') + '\n');
    recordRun(big, { name: 'a' });
    fs.writeFileSync(path.join(big, 'data.txt'), newLines.join('\n'));
    recordRun(big, { name: 'b' });
  });

  /** Every drawn line as [old number, new number, kind, text], from the file's tables. */
  const rows = (p: import('playwright-core').Page) =>
    p.locator('details.file').evaluate((file) =>
      [...file.querySelectorAll('tr')].flatMap((tr) => {
        const ctn = tr.querySelector('.d2h-code-line-ctn');
        const num = tr.querySelector('td:first-child');
        if (!ctn || !num) return [];
        const kind = num.classList.contains('d2h-del') ? '-' : num.classList.contains('d2h-ins') ? '+' : ' ';
        const n1 = num.querySelector('.line-num1')?.textContent?.trim() ?? '';
        const n2 = num.querySelector('.line-num2')?.textContent?.trim() ?? num.textContent!.trim(); // side by side: one number per side
        return [[n1, n2, kind, ctn.textContent ?? '']];
      }),
    );

  it('line by line and side by side: each line drawn once, with its own number and text', async () => {
    const file = path.join(tempDir('tmt-large-'), 'page.html');
    expect(tmt(big, ['diff', 'a', 'b', '-o', file]).code).toBe(0);
    const stats = JSON.parse(tmt(big, ['diff', 'a', 'b', '--json']).stdout).files[0];
    const { page: p, errors } = await load(browserOf(), file);
    await p.locator('button[data-format="line-by-line"]').click();
    const block = p.locator('details.file');
    await block.scrollIntoViewIfNeeded();
    expect(await block.locator('.note').first().innerText()).toMatch(/very large/);

    // While it draws, the page keeps answering: before, this froze the tab for about 20 s.
    const t0 = Date.now();
    await block.locator('button.draw-large').evaluate((b) => setTimeout(() => (b as HTMLButtonElement).click()));
    let answers = 0;
    for (let status = ''; !status.startsWith('Drawn:'); await new Promise((r) => setTimeout(r, 100))) {
      const asked = Date.now();
      status = await p.evaluate(() => document.querySelector('.draw-progress')?.textContent ?? '');
      expect(Date.now() - asked, 'the page stopped answering while drawing').toBeLessThan(5_000);
      expect(Date.now() - t0).toBeLessThan(120_000);
      answers++;
    }
    expect(answers).toBeGreaterThan(3);

    for (const format of ['line-by-line', 'side-by-side'] as const) {
      if (format === 'side-by-side') {
        await p.locator('button[data-format="side-by-side"]').click();
        await block.scrollIntoViewIfNeeded();
        await expect.poll(() => block.locator('.draw-progress').textContent(), { timeout: 120_000 }).toMatch(/^Drawn:/);
      }
      const drawn = await rows(p);
      const removed = drawn.filter((r) => r[2] === '-');
      const added = drawn.filter((r) => r[2] === '+');
      expect(removed).toHaveLength(stats.deleted);
      expect(added).toHaveLength(stats.added);
      for (const [n1, n2, kind, text] of drawn) {
        if (format === 'line-by-line' && kind === ' ') expect([oldLines[Number(n1) - 1], newLines[Number(n2) - 1]]).toEqual([text, text]);
        else if (kind === '-') expect(oldLines[Number(format === 'line-by-line' ? n1 : n2) - 1]).toBe(text);
        else if (kind === '+') expect(newLines[Number(n2) - 1]).toBe(text);
      }
      const numbers = (kind: string, at: 0 | 1) => drawn.filter((r) => r[2] === kind).map((r) => Number(r[at]));
      const increasing = (xs: number[]) => xs.every((x, k) => k === 0 || x > xs[k - 1]!);
      expect(increasing(numbers('-', format === 'line-by-line' ? 0 : 1))).toBe(true);
      expect(increasing(numbers('+', 1))).toBe(true);
    }
    await screenshot(p, 'large-file-pieces', false);
    await p.locator('button[data-format="line-by-line"]').click();
    expect(errors).toEqual([]);
    await p.close();
  });
});
