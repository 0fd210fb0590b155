// npm run bench:html [-- --sizes 1,100,2000 --lines 500 --runs 5]
//
// For diffs of 1, 100 and 2,000 changed files (500 changed lines each as git
// counts them, insertions plus deletions: every other line of a 500-line file
// rewritten; the largest diff is a million changed lines), between two runs recorded by the real
// CLI with 1,000-step loss/acc series and an image artifact:
//   generation: the whole process `tmt diff A B --html --no-open -o FILE`,
//     everything embedded (--max-files 0 --max-lines 0) and with the default
//     limits, next to native git computing the same diff, `git diff -M A B`;
//   load-to-interactive: headless Chromium (the tests' one, no network)
//     opening the page from a file: URL until the page marks itself ready
//     (first screen drawn, every section built), then the time the side-by-side
//     switch takes to redraw what is on screen.
// Medians of --runs runs; the machine is shared, so compare ratios, not absolutes.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/helpers/chromium.mjs';
import { benchEnv, fmtMb, fmtMs, git, measure, median, option, saveResults, table, tempDir, TMT } from './lib.mjs';

const SIZES = option('sizes', '1,100,2000').split(',').map(Number);
const LINES = Number(option('lines', '500'));
const RUNS = Number(option('runs', '5'));
const TOTAL_FILES = Math.max(...SIZES);

function writeFiles(dir, changed, version) {
  for (let i = 0; i < TOTAL_FILES; i++) {
    if (version === 'b' && i >= changed) continue;
    const file = path.join(dir, `pkg${i % 40}`, `mod${i}.py`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = (k) => `value_${k} = ${version === 'b' && k % 2 === 0 ? k * 2 + 1 : k}  # line ${k} of module ${i}`;
    fs.writeFileSync(file, Array.from({ length: LINES }, (_, k) => line(k)).join('\n') + '\n');
  }
}

/** Two runs recorded by tmt: the first on the base files, the second with `changed` files rewritten. */
function build(changed) {
  const dir = tempDir(`tmt-bench-html-${changed}-`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  writeFiles(dir, changed, 'a');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const emit = path.join(tempDir('tmt-bench-emit-'), 'emit.cjs');
  fs.writeFileSync(
    emit,
    `const fs = require('fs'), path = require('path');
const k = Number(process.argv[2]);
const lines = [];
for (let s = 0; s < 1000; s++) lines.push(JSON.stringify({ step: s, loss: 2 * Math.exp(-s / (200 * k)) + 0.02 * Math.sin(s), acc: 1 - Math.exp(-s / (250 * k)) }));
fs.writeFileSync(process.env.TMT_METRICS, lines.join('\\n') + '\\n');
fs.writeFileSync(path.join(process.env.TMT_ARTIFACTS, 'eval.txt'), 'epoch,acc\\n'.repeat(200));
`,
  );
  const record = (name, k) => measure(`node ${TMT} record -q --no-pty -n ${name} -p lr=${0.1 / k} -- node ${emit} ${k}`, dir);
  record('a', 1);
  writeFiles(dir, changed, 'b');
  record('b', 2);
  const { from, to, files } = JSON.parse(measure(`node ${TMT} diff a b --json`, dir).stdout);
  const lines = files.reduce((n, f) => n + f.added + f.deleted, 0);
  if (files.length !== changed || lines !== changed * (LINES - (LINES % 2))) throw new Error(`expected ${changed} files, got ${files.length} with ${lines} lines`);
  return { dir, treeA: from.rev, treeB: to.rev };
}

async function loadTimes(browser, file) {
  const loads = [];
  const toggles = [];
  for (let r = 0; r < RUNS; r++) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-ready="1"]', { timeout: 120_000 });
    loads.push(await page.evaluate(() => performance.getEntriesByName('tmt-ready')[0].startTime));
    await page.locator('#code').scrollIntoViewIfNeeded();
    await page.waitForSelector('#code .d2h-file-wrapper');
    const t0 = performance.now();
    await page.click('button[data-format="side-by-side"]');
    await page.waitForSelector('#code .d2h-file-side-diff');
    toggles.push(performance.now() - t0);
    await page.close();
  }
  return { load: median(loads), toggle: median(toggles) };
}

const chrome = await findChromium();
const browser = await chromium.launchPersistentContext(tempDir('tmt-bench-chromium-'), {
  executablePath: chrome.executablePath,
  env: chrome.env,
  headless: true,
  offline: true,
  viewport: { width: 1280, height: 900 },
  args: CHROMIUM_ARGS,
});
// A persistent context has no Browser object to ask for its version: the page tells it.
const probe = await browser.newPage();
const chromiumUsed = `${chrome.source}, ${(await probe.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? 'version unknown'}`;
await probe.close();
process.stderr.write(`chromium: ${chromiumUsed}\n`);
await browser.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));

const results = [];
for (const changed of SIZES) {
  process.stderr.write(`building ${changed} changed files...\n`);
  const { dir, treeA, treeB } = build(changed);
  const variants = changed > 1000 ? [['all', '--max-files 0 --max-lines 0'], ['default limits', '']] : [['all', '--max-files 0 --max-lines 0']];
  const nativeMs = [];
  for (let r = 0; r < RUNS; r++) nativeMs.push(measure(`git diff -M ${treeA} ${treeB} > /dev/null`, dir).ms);
  for (const [label, flags] of variants) {
    const file = path.join(dir, '..', `page-${changed}-${label.replace(/\W+/g, '-')}.html`);
    const gen = [];
    const rss = [];
    for (let r = 0; r < RUNS; r++) {
      const m = measure(`node ${TMT} diff a b --html --no-open -o ${file} ${flags}`, dir);
      gen.push(m.ms);
      rss.push(m.rssKb ?? 0);
    }
    const { load, toggle } = await loadTimes(browser, file);
    const row = { changed, lines: changed * LINES, embedded: label, genMs: median(gen), gitMs: median(nativeMs), ratio: median(gen) / median(nativeMs), rssKb: median(rss), pageBytes: fs.statSync(file).size, loadMs: load, toggleMs: toggle };
    results.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
}
await browser.close();
const startup = median(Array.from({ length: RUNS }, () => measure(`node ${TMT} --version`, process.cwd()).ms));

console.log(`\ntmt diff --html: ${RUNS} runs each, medians (${LINES} changed lines per file; git ${git(process.cwd(), '--version').replace('git version ', '')}; ${benchEnv.LC_ALL} locale)\n`);
console.log(
  table(
    ['changed files', 'changed lines', 'embedded', 'tmt generate', 'git diff -M', 'ratio', 'tmt peak RSS', 'page size', 'Chromium load to ready', 'side-by-side switch'],
    results.map((r) => [r.changed.toLocaleString('en-US'), r.lines.toLocaleString('en-US'), r.embedded, fmtMs(r.genMs), fmtMs(r.gitMs), `${r.ratio.toFixed(1)}x`, fmtMb(r.rssKb), `${(r.pageBytes / 1e6).toFixed(1)} MB`, fmtMs(r.loadMs), fmtMs(r.toggleMs)]),
  ),
);
console.log(`\nNode start-up alone (tmt --version): ${fmtMs(startup)}; it is most of the 1-file case.`);
console.log(`\nresults: ${saveResults('html', { chromium: chromiumUsed, sizes: SIZES, lines: LINES, runs: RUNS, startupMs: startup, results })}`);
