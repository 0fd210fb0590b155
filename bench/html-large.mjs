// npm run bench:html-large [-- --sizes 10000,25000,150000 --runs 3]
//
// "Show this diff" on one very large file: two runs recorded by the real CLI
// whose only file (N lines) changes on every line, so its patch has 2N lines.
// In headless Chromium (the tests' one, no network), from the click until
// every added line is on the page:
//   draw: the time it takes;
//   longest wait: the longest the page took to answer a trivial script call,
//     made every 100 ms while it draws (how long the tab stays frozen);
//   JS heap: V8's used heap once drawn.
// Medians of --runs runs; the machine is shared, so compare rows, not absolutes.
// There is no git counterpart: git has no page to draw.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/helpers/chromium.mjs';
import { fmtMs, git, measure, median, option, saveResults, table, tempDir, TMT } from './lib.mjs';

const SIZES = option('sizes', '10000,25000,150000').split(',').map(Number);
const RUNS = Number(option('runs', '3'));

function build(lines) {
  const dir = tempDir(`tmt-bench-large-${lines}-`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  const write = (v) => fs.writeFileSync(path.join(dir, 'data.csv'), Array.from({ length: lines }, (_, k) => `${k},${v}`).join('\n') + '\n');
  write('a');
  measure(`node ${TMT} record -q --no-pty -n a -- true`, dir);
  write('b');
  measure(`node ${TMT} record -q --no-pty -n b -- true`, dir);
  const file = path.join(dir, '..', `large-${lines}.html`);
  measure(`node ${TMT} diff a b -o ${file} --no-open`, dir);
  return file;
}

async function drawOnce(browser, file, lines) {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 120_000 });
  const button = page.locator('button.draw-large');
  await button.scrollIntoViewIfNeeded();
  const t0 = performance.now();
  await button.evaluate((b) => setTimeout(() => b.click())); // a click that waited for the drawing would hide the freeze
  let longest = 0;
  // A trivial call every 100 ms; counting the drawn lines walks the whole page, so only every tenth time.
  for (let drawn = 0, k = 1; drawn < lines; k++, await new Promise((r) => setTimeout(r, 100))) {
    const asked = performance.now();
    await page.evaluate(() => 1);
    longest = Math.max(longest, performance.now() - asked);
    if (k % 10 === 0) drawn = await page.evaluate(() => document.querySelectorAll('td.d2h-ins .d2h-code-line-ctn').length);
    if (performance.now() - t0 > 600_000) throw new Error(`not drawn after 10 minutes (${drawn} of ${lines} lines)`);
  }
  const drawMs = performance.now() - t0;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  await page.close();
  return { drawMs, longestMs: longest, heapMb: heap / 1e6 };
}

const chrome = await findChromium();
const browser = await chromium.launch({ executablePath: chrome.executablePath, env: chrome.env, headless: true, args: CHROMIUM_ARGS });
const chromiumUsed = `${chrome.source}, ${browser.version()}`;
process.stderr.write(`chromium: ${chromiumUsed}\n`);
const results = [];
for (const lines of SIZES) {
  process.stderr.write(`building a ${lines}-line file...\n`);
  const file = build(lines);
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await drawOnce(browser, file, lines));
  const row = { fileLines: lines, patchLines: 2 * lines + 5, drawMs: median(runs.map((x) => x.drawMs)), longestMs: median(runs.map((x) => x.longestMs)), heapMb: median(runs.map((x) => x.heapMb)) };
  results.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
await browser.close();

console.log(`\n"Show this diff" on one large file: ${RUNS} runs each, medians\n`);
console.log(table(['patch lines', 'draw', 'longest wait for the page', 'JS heap (DOM not counted)'], results.map((r) => [r.patchLines.toLocaleString('en-US'), fmtMs(r.drawMs), fmtMs(r.longestMs), `${r.heapMb.toFixed(0)} MB`])));
console.log(`\nresults: ${saveResults('html-large', { chromium: chromiumUsed, sizes: SIZES, runs: RUNS, results })}`);
