/**
 * tmt ui's views over many runs, against a real sweep in a real headless
 * Chromium: parallel coordinates and scatters of a sweep, the group-by
 * summary (its means and standard deviations checked against Python's
 * statistics module, a failed run left out), and each group's mean ± std
 * band. The arithmetic is also checked on its own against Python.
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, load, screenshot, type Browser } from './helpers/browser.js';
import { serveUi } from './helpers/ui-server.js';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';
import { spread } from '../src/ui/client/stats.js';
import { band } from '../src/ui/client/series-band.js';

/** Runs a Python program with `input` as JSON on stdin; its stdout is JSON. */
function python(code: string, input: unknown): any {
  const r = spawnSync('python3', ['-c', `import json, statistics, sys\ndata = json.load(sys.stdin)\n${code}`], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const MEAN_STD = `print(json.dumps([[statistics.mean(v), statistics.stdev(v) if len(v) > 1 else None] for v in data]))`;

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(expected), 1e-300));
}

describe('the views arithmetic', () => {
  it('mean and sample std are what statistics.mean and statistics.stdev give', () => {
    const sets = [[0.1, 0.2, 0.3], [1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.4], [5], [-3.5, 2.25, 0, 1e-12, 7], [0.7, 0.7, 0.7]];
    const expected: Array<[number, number | null]> = python(MEAN_STD, sets);
    sets.forEach((values, i) => {
      const sp = spread(values)!;
      close(sp.mean, expected[i]![0]);
      if (expected[i]![1] === null) expect(sp.std).toBeUndefined();
      else close(sp.std!, expected[i]![1]!);
    });
    expect(spread([])).toBeUndefined();
  });

  it('a band interpolates each run over the steps every run spans', () => {
    const b = band([
      { steps: [0, 2, 4], values: [0, 2, 4], total: 3 },
      { steps: [1, 3, 5], values: [10, 30, 50], total: 3 },
      null,
    ])!;
    // Steps 1..4 are inside both runs; the first run is read between its points, the second past its own at 2 and 4.
    expect(b.steps).toEqual([1, 2, 3, 4]);
    expect(b.mean).toEqual([5.5, 11, 16.5, 22]);
    const expected: Array<[number, number]> = python(MEAN_STD, [[1, 10], [2, 20], [3, 30], [4, 40]]);
    b.std.forEach((sd, k) => close(sd, expected[k]![1]));
    expect(band([{ steps: [0, 1], values: [1, 2], total: 2 }, { steps: [5, 6], values: [1, 2], total: 2 }])).toBeUndefined();
    expect(band([{ steps: [0, 1], values: [1, 2], total: 2 }])!.std).toEqual([]);
  });
});

/** acc and loss, five steps, from the flags alone; --fail (as FAIL=1) dies before logging anything. */
const TRAIN = `import argparse, json, os, sys
p = argparse.ArgumentParser()
p.add_argument('--lr', type=float)
p.add_argument('--hidden', type=int)
p.add_argument('--seed', type=int)
a = p.parse_args()
if os.environ.get('FAIL'):
    sys.exit('loss is nan')
with open(os.environ['TMT_METRICS'], 'a') as f:
    for k in range(5):
        acc = (1 - a.lr) * a.hidden / 16 * (k + 1) / 5 + 0.013 * (a.seed + 1) ** 2 * (k + 1) / 5 + a.lr * a.seed / 7
        f.write(json.dumps({'step': k, 'acc': acc, 'loss': 1 / (1 + acc)}) + '\\n')
`;

const SPEC = `name: views
command: python3 train.py
grid:
  lr: [0.1, 0.01]
  hidden: [8, 16]
repeat: 2
`;

interface Listed {
  id: string;
  status: string;
  params: { lr: number; hidden: number; seed: number };
  metrics: Record<string, number>;
}

describe('tmt ui views of a sweep, in Chromium', () => {
  let browser: Browser;
  let url = '';
  let port = 0;
  let runs: Listed[] = [];
  let failed: Listed;

  beforeAll(async () => {
    browser = await launch({ server: () => (port ? `http://127.0.0.1:${port}` : undefined) });
    const dir = makeRepo({ 'train.py': TRAIN, 'sweep.yaml': SPEC });
    const swept = tmt(dir, ['sweep', 'sweep.yaml', '-j', '2']);
    expect(swept.code, swept.stderr).toBe(0);
    // Trial 3 (lr 0.01, hidden 16, seed 0) once more, failing: its group has a run that must not count.
    expect(tmt(dir, ['sweep', 'sweep.yaml', '--index', '3'], { FAIL: '1' }).code).toBe(1);
    runs = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs;
    expect(runs.map((r) => r.status).sort()).toEqual(['failed', ...Array(8).fill('finished')]);
    failed = runs.find((r) => r.status === 'failed')!;
    expect(failed.params).toEqual({ lr: 0.01, hidden: 16, seed: 0 });
    const served = await serveUi(dir);
    url = served.url;
    port = served.port;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    cleanupTemp();
  });

  /** The ui in a new page, once its table is drawn; with its errors, dialogs and CSP violations watched. */
  const open = () => load(browser, url);

  const finished = () => runs.filter((r) => r.status === 'finished');

  it('parallel coordinates and scatters of the sweep: a line and a point per run with the metric, axes for what varies', async () => {
    const { page, errors } = await open();
    await page.waitForFunction(() => document.querySelectorAll('#sweep-views polyline.pc-line').length === 8);
    expect(await page.textContent('#sweep-views')).toContain('sweep views: 9 runs');
    expect(await page.textContent('#sweep-views')).toContain('1 run without a value of acc');
    expect(await page.$$eval('#sweep-views .pc-axis', (gs) => gs.map((g) => g.getAttribute('data-axis')))).toEqual(['lr', 'hidden', 'seed', 'acc']);
    const lines = await page.$$eval('#sweep-views polyline.pc-line', (ls) => ls.map((l) => ({ id: l.getAttribute('data-id')!, points: l.getAttribute('points')!.split(' ').map((p) => Number(p.split(',')[1])), stroke: l.getAttribute('stroke') })));
    expect(lines.map((l) => l.id).sort()).toEqual(finished().map((r) => r.id).sort());
    // Higher on the metric's axis is a higher acc, and the best run is the ramp's bright end.
    const acc = (id: string) => runs.find((r) => r.id === id)!.metrics.acc!;
    const byAcc = [...lines].sort((a, b) => acc(a.id) - acc(b.id));
    for (let k = 1; k < byAcc.length; k++) expect(byAcc[k]!.points[3]!).toBeLessThan(byAcc[k - 1]!.points[3]!);
    expect(byAcc.at(-1)!.stroke).toBe('rgb(253,231,37)');
    // And on the lr axis, 0.1 above 0.01.
    for (const l of lines) expect(l.points[0]).toBe(runs.find((r) => r.id === l.id)!.params.lr === 0.1 ? Math.min(...lines.map((x) => x.points[0]!)) : Math.max(...lines.map((x) => x.points[0]!)));
    for (const param of ['lr', 'hidden', 'seed']) {
      const ids = await page.$$eval(`#sweep-views figure[data-param="${param}"] circle.pt`, (cs) => cs.map((c) => c.getAttribute('data-id')));
      expect(ids.sort()).toEqual(finished().map((r) => r.id).sort());
    }
    // Another metric: the colours follow it (the lowest acc has the highest loss).
    await page.selectOption('#sweep-metric', 'loss');
    await page.waitForSelector('#sweep-views .pc-axis[data-axis="loss"]');
    expect(await page.$eval(`#sweep-views polyline.pc-line[data-id="${byAcc[0]!.id}"]`, (l) => l.getAttribute('stroke'))).toBe('rgb(253,231,37)');
    await screenshot(page, 'ui-sweep-views');
    // Two selected runs are a view of their own, whatever the table shows.
    for (const id of [byAcc[0]!.id, byAcc[7]!.id]) {
      await page.fill('#search', id.slice(0, 10));
      await page.check(`#runs-table tbody tr[data-id="${id}"] input[type=checkbox]`);
    }
    await page.waitForFunction(() => document.querySelectorAll('#sweep-views polyline.pc-line').length === 2);
    expect(await page.textContent('#sweep-views')).toContain('the 2 selected runs');
    expect(errors).toEqual([]);
    expect(browser.network).toEqual([]);
  });

  /** The #groups table's rows: each cell's text and data attributes. */
  const groupRows = (page: Page) =>
    page.$$eval('#groups tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => ({ text: td.textContent!, count: td.dataset.count, mean: td.dataset.mean, std: td.dataset.std, n: td.dataset.n }))));

  it("group by: a row per combination, mean ± std over its finished runs as Python's statistics computes them; a failed run left out", async () => {
    const { page, errors } = await open();
    await page.fill('#group-by', 'lr, hidden');
    await page.waitForFunction(() => document.querySelectorAll('#groups tbody tr').length === 4);
    const header = await page.$$eval('#groups thead th', (ths) => ths.map((th) => th.textContent));
    expect(header).toEqual(['lr', 'hidden', 'runs', 'acc (mean ± std)', 'loss (mean ± std)', 'left out']);
    const combos = [[0.01, 8], [0.01, 16], [0.1, 8], [0.1, 16]];
    const valuesOf = (metric: string, rs: Listed[]) => combos.map(([lr, hidden]) => rs.filter((r) => r.params.lr === lr && r.params.hidden === hidden).map((r) => r.metrics[metric]!));
    const rows = await groupRows(page);
    for (const metric of ['acc', 'loss']) {
      const values = valuesOf(metric, finished());
      const expected: Array<[number, number]> = python(MEAN_STD, values);
      const col = metric === 'acc' ? 3 : 4;
      rows.forEach((cells, i) => {
        expect([Number(cells[0]!.text), Number(cells[1]!.text)]).toEqual(combos[i]);
        expect(cells[2]!.count).toBe('2');
        close(Number(cells[col]!.mean), expected[i]![0]);
        close(Number(cells[col]!.std), expected[i]![1]);
        expect(cells[col]!.text).toMatch(/^[\d.]+ ± [\d.e-]+$/);
      });
    }
    expect(rows.map((cells) => cells[5]!.text)).toEqual(['', '1 failed', '', '']);
    expect(await page.textContent('#groups')).toContain('1 run that did not finish left out');
    // Counting every run: the failed one joins its group's count, but has no acc to average.
    await page.check('#group-all');
    await page.waitForFunction(() => document.querySelector('#groups tbody tr:nth-child(2) td[data-count]')?.textContent === '3');
    const all = (await groupRows(page))[1]!;
    expect(all[3]!.n).toBe('2');
    expect(all[3]!.text).toMatch(/\(n=2\)$/);
    await page.uncheck('#group-all');
    // One run per group: a mean, no deviation. And an unknown name is said to be one.
    await page.fill('#group-by', 'lr, hidden, seed, nope');
    await page.waitForFunction(() => document.querySelectorAll('#groups tbody tr').length === 8);
    const single = await groupRows(page);
    const order = [...finished()].sort((a, b) => a.params.lr - b.params.lr || a.params.hidden - b.params.hidden || a.params.seed - b.params.seed);
    single.forEach((cells, i) => {
      expect(cells[5]!.mean).toBe(String(order[i]!.metrics.acc));
      expect(cells[5]!.std).toBe('');
    });
    expect(await page.textContent('#groups')).toMatch(/no shown run has nope; params: hidden, lr, seed/);
    // By lr alone: four runs a group.
    await page.fill('#group-by', 'lr');
    await page.waitForFunction(() => document.querySelectorAll('#groups tbody tr').length === 2);
    const byLr: Array<[number, number]> = python(MEAN_STD, [0.01, 0.1].map((lr) => finished().filter((r) => r.params.lr === lr).map((r) => r.metrics.acc!)));
    (await groupRows(page)).forEach((cells, i) => {
      expect(cells[1]!.count).toBe('4');
      close(Number(cells[2]!.mean), byLr[i]![0]);
      close(Number(cells[2]!.std), byLr[i]![1]);
    });
    await page.fill('#group-by', '');
    await page.waitForFunction(() => document.getElementById('groups')!.hidden);
    expect(errors).toEqual([]);
  });

  it("group charts: each group's mean curve with a ± std band over its selected runs", async () => {
    const { page, errors } = await open();
    await page.fill('#group-by', 'lr,hidden');
    await page.waitForFunction(() => document.querySelectorAll('#groups tbody tr').length === 4);
    expect(await page.textContent('#group-charts')).toContain('Select runs in the table');
    for (const r of runs) await page.check(`#runs-table tbody tr[data-id="${r.id}"] input[type=checkbox]`);
    await page.waitForFunction(() => document.querySelectorAll('#group-charts figure[data-metric="acc"] polygon.band').length === 4);
    expect(await page.$$eval('#group-charts figure[data-metric="acc"] path.mean', (ps) => ps.length)).toBe(4);
    expect(await page.$$eval('#group-charts figure[data-metric="loss"] polygon.band', (ps) => ps.length)).toBe(4);
    // Each mean line runs through the five steps; its read-out at the last step is the group's mean ± std of last values.
    const lines = await page.$$eval('#group-charts figure[data-metric="acc"] path.mean', (ps) => ps.map((p) => ({ points: p.getAttribute('d')!.split('L').length, title: p.textContent! })));
    const combos = [[0.01, 8], [0.01, 16], [0.1, 8], [0.1, 16]];
    const expected: Array<[number, number]> = python(MEAN_STD, combos.map(([lr, hidden]) => finished().filter((r) => r.params.lr === lr && r.params.hidden === hidden).map((r) => r.metrics.acc!)));
    lines.forEach((l, i) => {
      expect(l.points).toBe(5);
      expect(l.title).toMatch(/^lr=\S+ hidden=\S+ \(2 runs\): acc \S+ ± \S+ at step 4 \(2 runs\)$/);
      const [, mean, std] = /acc (\S+) ± (\S+)/.exec(l.title)!;
      // The title rounds to six significant digits.
      expect(Math.abs(Number(mean) - expected[i]![0])).toBeLessThan(1e-5 * Math.abs(expected[i]![0]));
      expect(Math.abs(Number(std) - expected[i]![1])).toBeLessThan(1e-5 * Math.abs(expected[i]![1]));
    });
    await screenshot(page, 'ui-group-charts');
    expect(errors).toEqual([]);
    expect(browser.network).toEqual([]);
  });
});
