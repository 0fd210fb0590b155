// npm run bench:ui [-- --sizes 1000,10000,100000 --runs 3 --live-reps 5 --scroll-steps 200 --where 'params.lr > 0.05' --keep yes]
//
// `tmt ui` with repositories of 1k, 10k and 100k runs, built quickly through
// tmt's own storage code as bench/query.mjs builds them (one fast-import
// stream for the run commits, refs and notes), except that every run here has
// outputs as `tmt record` leaves them: a parentless outputs commit (logs/stdout,
// logs/stderr, metrics.jsonl with a 20-step acc/loss series) as the run
// commit's second parent, named in the note. Ten more runs, chart-0..chart-9,
// log 10,000 points of loss each. The catalog is warm (`tmt list --limit 1`
// once) before anything is timed. In headless Chromium (the tests' one; the
// page may reach the server and nothing else):
//   first rows: from spawning `tmt ui --no-open` until the page has marked
//     itself ready (html[data-ready="1"]) with at least one row
//     (#runs-table tbody tr[data-id]), timed in the page by a MutationObserver
//     against the spawn's wall-clock time; split into the server's start-up
//     (until it printed its address), the page load, GET /api/runs (the page's
//     Resource Timing) and drawing;
//   filter: typing --where into #where (page.fill: one input event) until the
//     summary's row count changes; the page waits 250 ms after the input before
//     asking (its debounce), and those 250 ms are SUBTRACTED in the column
//     (the whole time is in the results file); "clear" is emptying it again
//     (back to every run);
//   scroll: #runs scrolled top to bottom in --scroll-steps equal jumps, one a
//     frame, requestAnimationFrame timestamps in the page: the longest gap
//     between two frames (plus the longest task the Long Tasks API saw, and
//     the renderer's script/layout/task time per frame from CDP); then once
//     more under CDP tracing, for the longest task's thread (CPU) time: on a
//     loaded machine a frame can be long because the thread waited for a core;
//   charts: with chart-0..8 selected (found with the search box #search),
//     ticking chart-9's checkbox until the loss figure has 10 path.line;
//   live: `tmt record` running a script that appends one metrics line whenever
//     a gate file appears and notes the wall-clock time it appended it; the run
//     selected in the page: from that append until its line has one more point.
// Plus GET /api/runs timed from Node with the cookie (what the server alone
// takes), the server's memory (VmRSS once the table is drawn, VmHWM at the
// end, from /proc/PID/status) and the page's JS heap (CDP JSHeapUsedSize).
// Medians of --runs runs (live: of --live-reps appends). The machine is
// shared: compare rows, not absolutes.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/helpers/chromium.mjs';
import { baseRepo, benchEnv, fmtMs, git, measure, median, option, ROOT, saveResults, table, tempDir, TMT } from './lib.mjs';

const { serializeMeta } = await import(path.join(ROOT, 'dist/run/note/metadata.js'));
const { newRunId } = await import(path.join(ROOT, 'dist/run/note/id.js'));
const { seriesToJsonl, withSeries } = await import(path.join(ROOT, 'dist/run/record/metrics.js'));
const { NOTES_REF, runRef } = await import(path.join(ROOT, 'dist/git/layout.js'));

const SIZES = option('sizes', '1000,10000,100000').split(',').map(Number);
const RUNS = Number(option('runs', '3'));
const LIVE_REPS = Number(option('live-reps', '5'));
const SCROLL_STEPS = Number(option('scroll-steps', '200'));
const WHERE = option('where', 'params.lr > 0.05');
const CHART_RUNS = 10;
const CHART_POINTS = 10_000;
const STEPS = 20;
const DEBOUNCE_MS = 250;
const TIMEOUT = 180_000;
const TARGETS = {
  firstRows: { 10000: 1000, 100000: 2500 },
  filter: { 100000: 300 },
  frame: 100,
  live: 1000,
};

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const wallNow = () => performance.timeOrigin + performance.now();
const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

/** One run's note and metrics file: `series` as tmt record would have logged it. */
function runOf(dir, head, tree, i, started, name, params, series) {
  const id = newRunId(started);
  const meta = {
    schemaVersion: 1,
    id,
    name,
    tags: i % 10 === 0 ? ['baseline'] : [],
    status: 'finished',
    params,
    metrics: withSeries(undefined, series, []),
    started: new Date(started).toISOString(),
    ended: new Date(started + 30_000).toISOString(),
    updated: new Date(started + 30_000).toISOString(),
    durationMs: 30_000,
    exitCode: 0,
    command: { argv: ['python', 'train.py', '--lr', String(params.lr)], cwd: dir, dir: '' },
    host: { hostname: 'bench', user: 'bench', os: 'linux', node: 'v20', pid: 1 },
    git: { base: head, branch: 'main', dirty: false, tree },
  };
  return { id, meta, time: (started + 30_000) / 1000, jsonl: seriesToJsonl(series) };
}

/** Feeds a fast-import stream written to a file (a 100k-run stream is too large for one string). */
function fastImport(dir, write, extra = []) {
  const file = path.join(dir, '..', `${path.basename(dir)}.fi`);
  const fd = fs.openSync(file, 'w');
  write((text) => fs.writeSync(fd, text));
  fs.writeSync(fd, 'done\n');
  fs.closeSync(fd);
  const input = fs.openSync(file, 'r');
  try {
    execFileSync('git', ['fast-import', '--quiet', '--done', ...extra], { cwd: dir, env: benchEnv, stdio: [input, 'ignore', 'inherit'] });
  } finally {
    fs.closeSync(input);
    fs.rmSync(file);
  }
}

async function build(n) {
  const { dir, head, tree } = baseRepo(`tmt-bench-ui-${n}-`);
  const t0 = Date.UTC(2026, 0, 1);
  const runs = [];
  for (let i = 0; i < n; i++) {
    const acc = rand();
    const loss = 1 - acc + rand() * 0.1;
    const series = {
      acc: Array.from({ length: STEPS }, (_, k) => ({ step: k, value: (acc * (k + 1)) / STEPS })),
      loss: Array.from({ length: STEPS }, (_, k) => ({ step: k, value: 2 - ((2 - loss) * (k + 1)) / STEPS })),
    };
    const params = { lr: [0.001, 0.003, 0.01, 0.03, 0.1][i % 5], batch: 32 * (1 + (i % 4)), seed: i % 5, model: ['mlp', 'cnn', 'vit'][i % 3] };
    runs.push(runOf(dir, head, tree, i, t0 + i * 60_000, `sweep-${i % 50}`, params, series));
  }
  for (let c = 0; c < CHART_RUNS; c++) {
    const k0 = 500 + 200 * c;
    const series = { loss: Array.from({ length: CHART_POINTS }, (_, s) => ({ step: s, value: 2 * Math.exp(-s / k0) + 0.02 * Math.sin(s / 7 + c) })) };
    runs.push(runOf(dir, head, tree, c, t0 + (n + c) * 60_000, `chart-${c}`, { lr: 0.01 * (c + 1), batch: 64, seed: c, model: 'cnn' }, series));
  }
  // 1: the outputs commits, parentless, as publishRun writes them.
  const marks = path.join(dir, '..', `${path.basename(dir)}.marks`);
  const scratch = 'refs/tmt-bench/outputs';
  fastImport(
    dir,
    (w) => {
      w(`blob\nmark :1\n${data('train\n')}`);
      w(`blob\nmark :2\n${data('')}`);
      runs.forEach((r, i) => {
        w(`reset ${scratch}\ncommit ${scratch}\nmark :${i + 3}\ncommitter tmt <tmt@localhost> ${Math.floor(r.time)} +0000\n${data(`tmt outputs ${r.id}\n`)}`);
        w(`M 100644 :1 logs/stdout\nM 100644 :2 logs/stderr\nM 100644 inline metrics.jsonl\n${data(r.jsonl)}\n`);
      });
    },
    [`--export-marks=${marks}`],
  );
  const oid = new Map(fs.readFileSync(marks, 'utf8').trim().split('\n').map((l) => l.split(' ')));
  fs.rmSync(marks);
  git(dir, 'update-ref', '-d', scratch);
  // 2: the run commits (parents: base, outputs), their refs and one notes commit, as writeRunsBulk writes them.
  fastImport(dir, (w) => {
    runs.forEach((r, i) => {
      r.meta.outputs = oid.get(`:${i + 3}`);
      w(`commit ${runRef(r.id)}\nmark :${i + 1}\ncommitter tmt <tmt@localhost> ${Math.floor(r.time)} +0000\n${data(`tmt run ${r.id}\n`)}from ${head}\nmerge ${r.meta.outputs}\n\n`);
    });
    w(`commit ${NOTES_REF}\ncommitter tmt <tmt@localhost> ${Math.floor(runs.at(-1).time)} +0000\n${data('Notes added by tmt (bulk)\n')}`);
    runs.forEach((r, i) => w(`N inline :${i + 1}\n${data(serializeMeta(r.meta))}`));
    w('\n');
  });
  git(dir, 'pack-refs', '--all');
  // Checks: the run and its outputs read back through tmt.
  const last = runs.at(-1);
  const shown = JSON.parse(measure(`node ${TMT} show ${last.id} --json`, dir).stdout);
  const parent = git(dir, 'rev-parse', `${runRef(last.id)}^2`);
  if (shown.run.meta.outputs !== last.meta.outputs || parent !== last.meta.outputs) throw new Error(`${last.id}: outputs ${shown.run.meta.outputs} (second parent ${parent}), expected ${last.meta.outputs}`);
  return dir;
}

/** `tmt ui --no-open --port 0` started; resolves once it printed its address. */
async function startUi(dir) {
  const spawnWall = wallNow();
  const child = spawn(process.execPath, [TMT, 'ui', '--no-open', '--port', '0'], { cwd: dir, env: benchEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  const until = Date.now() + 60_000;
  while (!/tmt ui: (\S+)\n/.test(stdout)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`tmt ui did not start: ${stderr}`);
    await sleep(5);
  }
  const printedMs = wallNow() - spawnWall;
  const url = new URL(/tmt ui: (\S+)\n/.exec(stdout)[1]);
  return { child, url: url.href, origin: url.origin, port: Number(url.port), token: url.searchParams.get('token'), spawnWall, printedMs };
}

async function stopUi(s) {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

/** VmRSS and VmHWM of a process, in KiB. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** GET /api/runs from Node with the token cookie: what the server alone takes, and the bytes. */
function apiRuns(s, where = '') {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = http.get({ host: '127.0.0.1', port: s.port, path: `/api/runs?where=${encodeURIComponent(where)}`, headers: { Host: `127.0.0.1:${s.port}`, Cookie: `tmt_ui_${s.port}=${s.token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (b) => (bytes += b.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - t, bytes }) : reject(new Error(`GET /api/runs: ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

let origin = '';
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGTERM');
});

const chrome = await findChromium();
const profile = tempDir('tmt-bench-chromium-');
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: chrome.executablePath,
  env: chrome.env,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: CHROMIUM_ARGS,
});
await ctx.route('**/*', (route) => (origin && route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
const probe = await ctx.newPage();
const chromiumUsed = `${chrome.source}, ${(await probe.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? 'version unknown'}`;
await probe.close();
process.stderr.write(`chromium: ${chromiumUsed}\n`);

async function newPage() {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    performance.setResourceTimingBufferSize(1e6);
    const mark = () => {
      if (window.__firstRows || document.documentElement.dataset.ready !== '1' || !document.querySelector('#runs-table tbody tr[data-id]')) return;
      window.__firstRows = performance.timeOrigin + performance.now();
      observer.disconnect();
    };
    const observer = new MutationObserver(mark);
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  return { page, errors };
}

async function heapMb(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1e6;
}

/** The page's last Resource Timing entry whose path starts with `prefix`. */
const lastEntry = (page, prefix) =>
  page.evaluate((p) => {
    const e = performance.getEntriesByType('resource').filter((x) => (new URL(x.name).pathname + new URL(x.name).search).startsWith(p)).at(-1);
    return e ? { start: e.startTime, end: e.responseEnd, ms: e.responseEnd - e.startTime, bytes: e.encodedBodySize } : undefined;
  }, prefix);

async function firstRows(dir) {
  const s = await startUi(dir);
  origin = s.origin;
  // Cookies ignore ports: the last server's tmt_ui cookie would be sent to this one, and the server
  // prefers a cookie to the address's ?token=, so the page would get 403 (see the findings).
  await ctx.clearCookies();
  const { page, errors } = await newPage();
  await page.goto(s.url);
  await page.waitForFunction(() => window.__firstRows, undefined, { timeout: TIMEOUT });
  const t = await page.evaluate(() => ({ firstRows: window.__firstRows, timeOrigin: performance.timeOrigin }));
  const api = await lastEntry(page, '/api/runs');
  const mem = memoryOf(s.child.pid);
  const r = {
    ms: t.firstRows - s.spawnWall,
    serverUpMs: s.printedMs,
    navigationMs: t.timeOrigin - s.spawnWall - s.printedMs,
    pageToApiMs: api.start,
    apiMs: api.ms,
    apiBytes: api.bytes,
    drawMs: t.firstRows - t.timeOrigin - api.end,
    serverRssKb: mem.rssKb,
  };
  return { s, page, errors, r };
}

/** Types `text` into #where; from its input event until the summary's count changed. */
async function filterOnce(page, text) {
  await page.evaluate(() => {
    performance.clearResourceTimings();
    const summary = document.getElementById('summary');
    const before = summary.textContent;
    const f = (window.__f = {});
    document.getElementById('where').addEventListener('input', () => (f.input = performance.now()), { once: true, capture: true });
    const mo = new MutationObserver(() => {
      if (summary.textContent === before) return;
      f.changed = performance.now();
      f.summary = summary.textContent;
      mo.disconnect();
    });
    mo.observe(summary, { childList: true, characterData: true, subtree: true });
  });
  await page.fill('#where', text);
  await page.waitForFunction(() => window.__f.changed, undefined, { timeout: TIMEOUT });
  const f = await page.evaluate(() => window.__f);
  const api = await lastEntry(page, '/api/runs?where=');
  const error = await page.textContent('#where-error');
  if (error) throw new Error(`--where ${text}: ${error}`);
  return { ms: f.changed - f.input - DEBOUNCE_MS, totalMs: f.changed - f.input, apiMs: api?.ms, drawMs: api ? f.changed - api.end : undefined, shown: Number(/^(\d+)/.exec(f.summary)?.[1]) };
}

/** The renderer's own accounting (CDP Performance.getMetrics), in ms: script, layout and style work, and all tasks. */
async function rendererWork(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value * 1000]));
  return { script: m.ScriptDuration, layout: m.LayoutDuration + m.RecalcStyleDuration, task: m.TaskDuration };
}

async function scrollOnce(page, steps) {
  await page.bringToFront();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const before = await rendererWork(cdp);
  const r = await scrollFrames(page, steps);
  const after = await rendererWork(cdp);
  await cdp.detach();
  // Per frame, on average: what the page itself asked of the main thread while scrolling (a loaded machine stretches it too).
  return { ...r, scriptPerFrameMs: (after.script - before.script) / r.frames, layoutPerFrameMs: (after.layout - before.layout) / r.frames, taskPerFrameMs: (after.task - before.task) / r.frames };
}

/**
 * One more scroll, traced (CDP Tracing): the longest task of the page's main
 * thread, wall-clock and thread (CPU) time. A long wall time with a short
 * thread time is the thread waiting for a core, not the page's work.
 */
async function scrollTraced(page, steps) {
  const cdp = await page.context().newCDPSession(page);
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] } });
  const r = await scrollFrames(page, steps);
  await cdp.send('Tracing.end');
  const { stream } = await done;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 22 });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const parsed = JSON.parse(text);
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const frames = new Map();
  for (const e of events) if (e.name === 'FireAnimationFrame') frames.set(`${e.pid}:${e.tid}`, (frames.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...frames].sort((a, b) => b[1] - a[1])[0]?.[0];
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && `${e.pid}:${e.tid}` === main);
  const longest = tasks.reduce((a, e) => (e.dur > (a?.dur ?? -1) ? e : a), undefined);
  const mostCpu = tasks.reduce((a, e) => ((e.tdur ?? 0) > (a?.tdur ?? -1) ? e : a), undefined);
  return { maxGapMs: r.maxGapMs, longestTaskMs: (longest?.dur ?? 0) / 1000, longestTaskCpuMs: (longest?.tdur ?? 0) / 1000, mostCpuTaskMs: (mostCpu?.tdur ?? 0) / 1000 };
}

function scrollFrames(page, steps) {
  return page.evaluate(async (steps) => {
    const el = document.getElementById('runs');
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    el.scrollTop = 0;
    await frame();
    await frame();
    const max = el.scrollHeight - el.clientHeight;
    const longTasks = [];
    const po = new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((e) => e.duration)));
    po.observe({ type: 'longtask' });
    const times = [];
    for (let k = 0; k <= steps + 2; k++) {
      times.push(await frame());
      if (k <= steps) el.scrollTop = Math.round((max * k) / steps);
    }
    po.disconnect();
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const ids = [...document.querySelectorAll('#runs-table tbody tr[data-id]')];
    return { maxGapMs: Math.max(...gaps), medianGapMs: gaps.sort((a, b) => a - b)[gaps.length >> 1], framesOver50: gaps.filter((g) => g > 50).length, frames: gaps.length, longestTaskMs: Math.max(0, ...longTasks), scrollHeight: el.scrollHeight, atEnd: el.scrollTop >= max - 1, rowsInDom: ids.length };
  }, steps);
}

const lineCount = (metric) => `#charts figure[data-metric="${metric}"] path.line`;

async function chartsOnce(page) {
  const boxes = page.locator('#runs-table tbody tr[data-id] input[type=checkbox]');
  const tenth = boxes.nth(CHART_RUNS - 1);
  await page.evaluate((sel) => {
    performance.clearResourceTimings();
    const f = (window.__c = {});
    // On the document: the table may be redrawn (its rows replaced) before the click.
    document.addEventListener('change', () => (f.change = performance.now()), { once: true, capture: true });
    const charts = document.getElementById('charts');
    const mo = new MutationObserver(() => {
      if (charts.querySelectorAll(sel).length !== 10) return;
      f.drawn = performance.now();
      f.points = [...charts.querySelectorAll(sel)].map((p) => p.getAttribute('d').split('L').length);
      mo.disconnect();
    });
    mo.observe(charts, { childList: true, subtree: true });
  }, lineCount('loss'));
  await tenth.check();
  await page.waitForFunction(() => window.__c.drawn, undefined, { timeout: TIMEOUT });
  const f = await page.evaluate(() => window.__c);
  const api = await lastEntry(page, '/api/series');
  await tenth.uncheck();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 9, lineCount('loss'), { timeout: TIMEOUT });
  return { ms: f.drawn - f.change, apiMs: api?.ms, apiBytes: api?.bytes, drawMs: api ? f.drawn - api.end : undefined, points: f.points };
}

async function live(dir, s) {
  const gates = tempDir('tmt-bench-ui-gate-');
  const script = path.join(gates, 'live.cjs');
  // Two points at once, then one more each time a gate file go-K appears; at-K gets the wall-clock time of the append.
  fs.writeFileSync(
    script,
    `const fs = require('fs'), path = require('path');
const gates = process.argv[2];
const append = (k) => fs.appendFileSync(process.env.TMT_METRICS, JSON.stringify({ step: k, live: Math.sin(k) }) + '\\n');
append(0);
append(1);
let k = 2;
const tick = () => {
  if (fs.existsSync(path.join(gates, 'stop'))) return;
  if (fs.existsSync(path.join(gates, 'go-' + k))) {
    append(k);
    fs.writeFileSync(path.join(gates, 'at-' + k), String(performance.timeOrigin + performance.now()));
    k++;
  }
  setTimeout(tick, 2);
};
tick();
`,
  );
  const rec = spawn(process.execPath, [TMT, 'record', '-q', '--no-pty', '-n', 'live-run', '--', process.execPath, script, gates], { cwd: dir, env: benchEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(rec);
  let recErr = '';
  rec.stderr.on('data', (b) => (recErr += b));
  const recorded = new Promise((r) => rec.once('close', (code) => r(code)));
  const { page, errors } = await newPage();
  await page.goto(s.url);
  await page.waitForFunction(() => window.__firstRows, undefined, { timeout: TIMEOUT });
  await page.fill('#search', 'live-run');
  const row = page.locator('#runs-table tbody tr[data-id]:has(td:text-is("live-run"))');
  await row.waitFor({ timeout: TIMEOUT });
  await row.locator('input[type=checkbox]').check();
  const points = () => page.evaluate((sel) => document.querySelector(sel)?.getAttribute('d')?.split('L').length ?? 0, lineCount('live'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('d')?.split('L').length === 2, lineCount('live'), { timeout: TIMEOUT });
  const delays = [];
  const parts = [];
  for (let k = 2; k < 2 + LIVE_REPS; k++) {
    await page.evaluate(
      ({ sel, want }) => {
        performance.clearResourceTimings();
        const f = (window.__l = {});
        const charts = document.getElementById('charts');
        const mo = new MutationObserver(() => {
          if ((charts.querySelector(sel)?.getAttribute('d')?.split('L').length ?? 0) < want) return;
          f.shown = performance.timeOrigin + performance.now();
          mo.disconnect();
        });
        mo.observe(charts, { childList: true, subtree: true, attributes: true });
      },
      { sel: lineCount('live'), want: k + 1 },
    );
    fs.writeFileSync(path.join(gates, `go-${k}`), '');
    await page.waitForFunction(() => window.__l.shown, undefined, { timeout: TIMEOUT });
    const shown = await page.evaluate(() => window.__l.shown);
    const at = Number(fs.readFileSync(path.join(gates, `at-${k}`), 'utf8'));
    delays.push(shown - at);
    const timings = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.responseEnd - e.startTime])),
    );
    parts.push(timings);
    if ((await points()) !== k + 1) throw new Error(`live: expected ${k + 1} points, saw ${await points()}`);
    await sleep(150 + rand() * 400); // the next append lands at another moment of the page's 400 ms poll
  }
  const heap = await heapMb(page);
  fs.writeFileSync(path.join(gates, 'stop'), '');
  const code = await recorded;
  if (code !== 0) throw new Error(`tmt record exited ${code}: ${recErr}`);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.close();
  fs.rmSync(gates, { recursive: true, force: true });
  const med = (key) => median(parts.map((p) => p[key] ?? 0));
  return { ms: median(delays), maxMs: Math.max(...delays), delays, apiRunsMs: med('/api/runs'), apiSeriesMs: med('/api/series'), apiStampMs: med('/api/stamp'), heapMb: heap };
}

const benchT0 = performance.now();
const loadBefore = os.loadavg()[0];
const floor = median(Array.from({ length: 5 }, () => measure(`node -e ''`, process.cwd()).ms));
const results = [];
for (const n of SIZES) {
  process.stderr.write(`building a repo with ${n.toLocaleString('en-US')} runs (+${CHART_RUNS} of ${CHART_POINTS.toLocaleString('en-US')} points)...\n`);
  let t = performance.now();
  const dir = await build(n);
  const buildMs = performance.now() - t;
  t = performance.now();
  measure(`node ${TMT} list --limit 1`, dir); // builds the catalog: everything after is warm
  const catalogMs = performance.now() - t;
  const warmList = median(Array.from({ length: RUNS }, () => measure(`node ${TMT} list --limit 1`, dir).ms));
  process.stderr.write(`  built in ${fmtMs(buildMs)}; catalog built in ${fmtMs(catalogMs)}; warm tmt list --limit 1 ${fmtMs(warmList)}\n`);

  const first = [];
  let kept;
  for (let i = 0; i < RUNS; i++) {
    const f = await firstRows(dir);
    first.push(f.r);
    process.stderr.write(`  first rows: ${JSON.stringify(f.r)}\n`);
    if (i < RUNS - 1) {
      await f.page.close();
      await stopUi(f.s);
    } else kept = f;
  }
  const { s, page, errors } = kept;
  const heapLoaded = await heapMb(page);
  const server = [];
  for (let i = 0; i < RUNS; i++) server.push(await apiRuns(s));
  const serverFiltered = [];
  for (let i = 0; i < RUNS; i++) serverFiltered.push(await apiRuns(s, WHERE));

  const filters = [];
  const clears = [];
  for (let i = 0; i < RUNS; i++) {
    filters.push(await filterOnce(page, WHERE));
    clears.push(await filterOnce(page, ''));
  }
  process.stderr.write(`  filter: ${JSON.stringify(filters)}\n  clear: ${JSON.stringify(clears)}\n`);

  const scrolls = [];
  for (let i = 0; i < RUNS; i++) scrolls.push(await scrollOnce(page, SCROLL_STEPS));
  const traced = await scrollTraced(page, SCROLL_STEPS);
  process.stderr.write(`  scroll: ${JSON.stringify(scrolls)}\n  scroll, traced: ${JSON.stringify(traced)}\n`);
  if (!scrolls.every((x) => x.atEnd && x.rowsInDom > 0)) throw new Error('scroll: the table did not reach its end');

  await page.evaluate(() => document.getElementById('runs').scrollTo(0, 0));
  await page.fill('#search', 'chart-');
  await page.waitForFunction((n) => document.querySelectorAll('#runs-table tbody tr[data-id]').length === n, CHART_RUNS, { timeout: TIMEOUT });
  const boxes = page.locator('#runs-table tbody tr[data-id] input[type=checkbox]');
  for (let c = 0; c < CHART_RUNS - 1; c++) {
    await boxes.nth(c).check();
    await page.waitForFunction(({ sel, c }) => document.querySelectorAll(sel).length === c + 1, { sel: lineCount('loss'), c }, { timeout: TIMEOUT });
  }
  const charts = [];
  for (let i = 0; i < RUNS; i++) charts.push(await chartsOnce(page));
  process.stderr.write(`  charts: ${JSON.stringify(charts.map(({ points, ...c }) => ({ ...c, points: points.join(',') })))}\n`);
  const heapCharts = await heapMb(page);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await page.close();

  const lv = await live(dir, s);
  process.stderr.write(`  live: ${JSON.stringify(lv)}\n`);
  const mem = memoryOf(s.child.pid);
  await stopUi(s);

  const row = {
    runs: n,
    buildMs,
    catalogMs,
    warmListMs: warmList,
    firstRows: median(first.map((x) => x.ms)),
    firstRowsParts: Object.fromEntries(Object.keys(first[0]).map((k) => [k, median(first.map((x) => x[k]))])),
    apiRunsServerMs: median(server.map((x) => x.ms)),
    apiRunsBytes: server[0].bytes,
    apiRunsFilteredServerMs: median(serverFiltered.map((x) => x.ms)),
    filter: median(filters.map((x) => x.ms)),
    filterTotal: median(filters.map((x) => x.totalMs)),
    filterApiMs: median(filters.map((x) => x.apiMs)),
    filterDrawMs: median(filters.map((x) => x.drawMs)),
    filterShown: filters[0].shown,
    clear: median(clears.map((x) => x.ms)),
    clearApiMs: median(clears.map((x) => x.apiMs)),
    clearDrawMs: median(clears.map((x) => x.drawMs)),
    scrollMaxGap: Math.max(...scrolls.map((x) => x.maxGapMs)),
    scrollMedianGap: median(scrolls.map((x) => x.medianGapMs)),
    scrollFramesOver50: scrolls.reduce((a, x) => a + x.framesOver50, 0),
    scrollFrames: scrolls.reduce((a, x) => a + x.frames, 0),
    scrollLongestTask: Math.max(...scrolls.map((x) => x.longestTaskMs)),
    scrollTraced: traced,
    scrollScriptPerFrame: median(scrolls.map((x) => x.scriptPerFrameMs)),
    scrollLayoutPerFrame: median(scrolls.map((x) => x.layoutPerFrameMs)),
    scrollTaskPerFrame: median(scrolls.map((x) => x.taskPerFrameMs)),
    charts: median(charts.map((x) => x.ms)),
    chartsApiMs: median(charts.map((x) => x.apiMs)),
    chartsApiBytes: charts[0].apiBytes,
    chartsDrawMs: median(charts.map((x) => x.drawMs)),
    chartPoints: charts[0].points,
    live: lv,
    serverRssLoadedKb: median(first.map((x) => x.serverRssKb)),
    serverHwmKb: mem.hwmKb,
    heapLoadedMb: heapLoaded,
    heapChartsMb: heapCharts,
  };
  results.push(row);
  if (option('keep', '') === 'yes') process.stderr.write(`  kept ${dir}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });

const k = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
console.log(`\ntmt ui: medians of ${RUNS} runs (live: of ${LIVE_REPS} appends); warm catalog; ${chromiumUsed}; ${new Date().toISOString()}`);
console.log(`filter: --where '${WHERE}', from the input event, the page's ${DEBOUNCE_MS} ms debounce subtracted; scroll: ${SCROLL_STEPS} jumps top to bottom, one a frame; charts: ${CHART_RUNS} runs of ${CHART_POINTS.toLocaleString('en-US')} points\n`);
console.log(
  table(
    ['runs', 'first rows', 'filter (−250 ms)', 'clear filter (−250 ms)', 'longest frame scrolling', `${CHART_RUNS} charts`, 'live delay (max)', 'GET /api/runs (server, size)', 'server RSS loaded / peak', 'page JS heap (table / +charts)'],
    results.map((r) => [
      k(r.runs),
      fmtMs(r.firstRows),
      fmtMs(r.filter),
      fmtMs(r.clear),
      `${fmtMs(r.scrollMaxGap)} (${r.scrollFramesOver50}/${r.scrollFrames} over 50 ms)`,
      fmtMs(r.charts),
      `${fmtMs(r.live.ms)} (${fmtMs(r.live.maxMs)})`,
      `${fmtMs(r.apiRunsServerMs)}, ${(r.apiRunsBytes / 1e6).toFixed(1)} MB`,
      `${mb(r.serverRssLoadedKb)} / ${mb(r.serverHwmKb)}`,
      `${r.heapLoadedMb.toFixed(0)} / ${r.heapChartsMb.toFixed(0)} MB`,
    ]),
  ),
);
console.log('\nwhere the time goes (medians):\n');
console.log(
  table(
    ['runs', 'server up (address printed)', 'page load', 'page: GET /api/runs', 'page: draw', 'filter: GET /api/runs?where', 'filter: draw', 'clear: GET', 'clear: draw', 'scroll: script / layout+style / all tasks per frame', 'scroll, traced: longest task (its CPU); most CPU in a task', 'charts: GET /api/series', 'charts: draw', 'live: GET /api/runs, /api/series', 'warm tmt list --limit 1'],
    results.map((r) => [
      k(r.runs),
      fmtMs(r.firstRowsParts.serverUpMs),
      fmtMs(r.firstRowsParts.navigationMs + r.firstRowsParts.pageToApiMs),
      fmtMs(r.firstRowsParts.apiMs),
      fmtMs(r.firstRowsParts.drawMs),
      fmtMs(r.filterApiMs),
      fmtMs(r.filterDrawMs),
      fmtMs(r.clearApiMs),
      fmtMs(r.clearDrawMs),
      `${r.scrollScriptPerFrame.toFixed(1)} / ${r.scrollLayoutPerFrame.toFixed(1)} / ${r.scrollTaskPerFrame.toFixed(1)} ms`,
      `${fmtMs(r.scrollTraced.longestTaskMs)} (${fmtMs(r.scrollTraced.longestTaskCpuMs)}); ${fmtMs(r.scrollTraced.mostCpuTaskMs)}`,
      `${fmtMs(r.chartsApiMs)} (${(r.chartsApiBytes / 1e6).toFixed(1)} MB)`,
      fmtMs(r.chartsDrawMs),
      `${fmtMs(r.live.apiRunsMs)}, ${fmtMs(r.live.apiSeriesMs)}`,
      fmtMs(r.warmListMs),
    ]),
  ),
);
const verdicts = [];
const check = (label, value, limit) => value !== undefined && verdicts.push(`${value <= limit ? 'met    ' : 'MISSED '} ${label}: ${fmtMs(value)} (target < ${fmtMs(limit)})`);
for (const r of results) {
  if (TARGETS.firstRows[r.runs]) check(`first rows at ${k(r.runs)} runs`, r.firstRows, TARGETS.firstRows[r.runs]);
  if (TARGETS.filter[r.runs]) check(`filter at ${k(r.runs)} runs`, r.filter, TARGETS.filter[r.runs]);
  check(`longest frame scrolling at ${k(r.runs)} runs (traced pass: longest task ${fmtMs(r.scrollTraced.longestTaskMs)}, ${fmtMs(r.scrollTraced.longestTaskCpuMs)} of it on the CPU; most CPU in one task ${fmtMs(r.scrollTraced.mostCpuTaskMs)})`, r.scrollMaxGap, TARGETS.frame);
  check(`live delay at ${k(r.runs)} runs (median; max ${fmtMs(r.live.maxMs)})`, r.live.ms, TARGETS.live);
}
console.log(`\ntargets (2-core machine):\n${verdicts.join('\n')}`);
console.log(`\nnode -e '' ${fmtMs(floor)}: the floor of the server's start-up; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after (${os.cpus().length} cores); bench took ${fmtMs(performance.now() - benchT0)}`);
console.log(`results: ${saveResults('ui', { chromium: chromiumUsed, loadAverage: [loadBefore, os.loadavg()[0]], sizes: SIZES, runs: RUNS, liveReps: LIVE_REPS, scrollSteps: SCROLL_STEPS, where: WHERE, nodeFloorMs: floor, results })}`);
