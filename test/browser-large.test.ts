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
    await expect.poll(() => big.locator('.d2h-file-side-diff').count(), { timeout: 60_000 }).toBe(2);
    await screenshot(p, 'large-diff', false);
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
