/**
 * Judging runs fairly on the page, in a real headless Chromium: a metric of
 * unknown direction (a logged lr) is shown plainly, a tie is starred on the
 * newer run, killed and stale runs have their own colours, and a failed run
 * shows the end of its stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, screenshot, useBrowser } from './helpers/browser.js';
import { makeRepo, tempDir } from './helpers/git.js';
import { recordRun, staleRun } from './helpers/runs.js';
import { tmt } from './helpers/tmt.js';

const browserOf = useBrowser();

function page(dir: string, args: string[]): string {
  const file = path.join(tempDir('tmt-page-'), 'page.html');
  const r = tmt(dir, [...args, '-o', file, '--no-open']);
  if (r.code !== 0) throw new Error(`tmt ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return file;
}

/** Logs 60 coloured warnings, a progress bar redrawn with \r, a script tag and a traceback to stderr, then fails. */
const FAILING = `for (let i = 1; i <= 60; i++) console.error('\\x1b[33mwarning\\x1b[0m line ' + i);
process.stderr.write('progress 10%\\rprogress 50%\\rprogress 100%\\n');
console.error('<script>window.__pwned=1</script>');
console.error('Error: boom');
process.exit(1);
`;

describe('the page judges runs fairly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = makeRepo({ 'fail.js': FAILING });
    const steps = (n: number, f: (s: number) => Record<string, number>) => Array.from({ length: n }, (_, s) => ({ step: s, ...f(s) }));
    recordRun(dir, { name: 'base', metrics: steps(20, (s) => ({ lr: 0.1 / (s + 1), acc: 0.5 + s / 100, 'val/f1': 0.4, loss: 1 / (s + 1) })) });
    recordRun(dir, { name: 'tuned', metrics: steps(20, (s) => ({ lr: 0.3 / (s + 1), acc: 0.6 + s / 100, 'val/f1': 0.5, loss: 0.5 / (s + 1) })) });
    tmt(dir, ['save', '-n', 'twin-old', '-m', 'acc=0.9']);
    tmt(dir, ['save', '-n', 'twin-new', '-m', 'acc=0.9']);
    expect(tmt(dir, ['record', '-q', '--no-pty', '-n', 'crashed', '--', process.execPath, 'fail.js']).code).toBe(1);
    tmt(dir, ['record', '-q', '-n', 'stopped', '--', 'sh', '-c', 'kill -KILL $$']);
    await staleRun(dir, 'orphan');
  });

  it('a logged lr is shown without colour, star or best point; acc, val/f1 and loss are judged', async () => {
    const { page: p, errors } = await load(browserOf(), page(dir, ['compare', 'base', 'tuned', '--html']));
    const row = (name: string) => p.locator('#metrics tbody tr').filter({ has: p.locator('th > span:first-child', { hasText: new RegExp(`^${name.replace('/', '\\/')}$`) }) });
    const lr = row('lr');
    expect(await lr.getAttribute('class')).toBe('neutral');
    expect(await lr.locator('td').evaluateAll((tds) => tds.map((td) => td.className))).toEqual(['metric', 'metric']);
    expect(await lr.locator('.best-mark').count()).toBe(0);
    expect(await lr.locator('th .detail').innerText()).toBe('not judged: direction unknown');
    expect(await lr.locator('td').nth(1).innerText()).not.toMatch(/better|worse/);
    for (const [name, arrow] of [['acc', '↑ higher is better'], ['val/f1', '↑ higher is better'], ['loss', '↓ lower is better']]) {
      expect(await row(name).locator('th .detail').innerText(), name).toBe(arrow);
      expect(await row(name).locator('td').nth(1).getAttribute('class'), name).toBe('metric better');
      expect(await row(name).locator('td').nth(1).locator('.best-mark').count(), name).toBe(1);
    }
    // Charts: lr has no best points and says it is not judged; loss has one per run.
    const lrChart = p.locator('figure.chart-card[data-metric="lr"]');
    await lrChart.scrollIntoViewIfNeeded();
    await expect.poll(() => lrChart.locator('path.line.raw').count()).toBe(2);
    expect(await lrChart.locator('circle.best').count()).toBe(0);
    expect(await lrChart.locator('figcaption').innerText()).toContain('not judged: direction unknown');
    const lossChart = p.locator('figure.chart-card[data-metric="loss"]');
    await lossChart.scrollIntoViewIfNeeded();
    await expect.poll(() => lossChart.locator('circle.best').count()).toBe(2);
    await screenshot(p, 'judging-neutral');
    expect(errors).toEqual([]);
    await p.close();
  });

  it('a configured direction makes lr judged on the page', async () => {
    const { page: p } = await load(browserOf(), page(dir, ['compare', 'base', 'tuned', '--html', '--lower-is-better', 'lr']));
    const lr = p.locator('#metrics tbody tr', { hasText: /^lr/ });
    expect(await lr.getAttribute('class')).toBeNull();
    expect(await lr.locator('td').nth(1).getAttribute('class')).toBe('metric worse');
    expect(await lr.locator('td').nth(0).locator('.best-mark').count()).toBe(1);
    await p.close();
  });

  it('a tie is starred on the newer run, whichever is listed first', async () => {
    for (const order of [['twin-old', 'twin-new'], ['twin-new', 'twin-old']]) {
      const { page: p } = await load(browserOf(), page(dir, ['compare', ...order, '--html']));
      const acc = p.locator('#metrics tbody tr', { hasText: /^acc/ });
      const starred = await acc.locator('td').evaluateAll((tds) => tds.map((td) => td.querySelector('.best-mark') !== null));
      expect(starred, order.join(' ')).toEqual(order.map((n) => n === 'twin-new'));
      await p.close();
    }
  });

  it('killed and stale runs have their own colours; a failed run shows the end of its stderr, as text', async () => {
    const { page: p, errors, dialogs } = await load(browserOf(), page(dir, ['compare', 'base', 'crashed', 'stopped', 'orphan', '--html']));
    const statuses = p.locator('#runs tbody td.status');
    expect(await statuses.evaluateAll((tds) => tds.map((td) => td.className))).toEqual(['status status-finished', 'status status-failed', 'status status-killed', 'status status-stale']);
    const colours = await statuses.evaluateAll((tds) => tds.map((td) => getComputedStyle(td).color));
    expect(new Set(colours).size).toBe(4);

    const tails = p.locator('#runs details.stderr-tail');
    expect(await tails.count()).toBe(1); // the failed run only
    expect(await tails.getAttribute('data-run')).toBe('1');
    expect(await tails.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await tails.locator('summary').innerText()).toMatch(/^crashed failed: last 40 lines of its stderr \(.+ in all: tmt show \w{12} --log stderr prints it\)$/);
    const lines = (await tails.locator('pre').innerText()).split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[0]).toBe('warning line 24'); // colours dropped
    expect(lines.slice(-3)).toEqual(['progress 100%', '<script>window.__pwned=1</script>', 'Error: boom']); // the bar as last drawn
    expect(await p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await p.locator('#runs script').count()).toBe(0);
    await screenshot(p, 'judging-statuses');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(browserOf().network).toEqual([]);
    await p.close();
  });

  it('a long stderr: only its end is read and embedded', () => {
    fs.writeFileSync(path.join(dir, 'loud.js'), "let s = ''; for (let i = 0; i < 200000; i++) s += 'line ' + i + '\\n'; process.stderr.write(s, () => process.exit(2));\n");
    expect(tmt(dir, ['record', '-q', '--no-pty', '-n', 'loud', '--', process.execPath, 'loud.js']).code).toBe(2);
    const html = fs.readFileSync(page(dir, ['compare', 'loud', '--html']), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="tmt-data">(.*?)<\/script>/s.exec(html)![1]!);
    const tail = data.runs[0].stderrTail;
    expect(tail.lines).toHaveLength(40);
    expect(tail.lines.at(-1)).toBe('line 199999');
    expect(tail.earlier).toBe(true);
    expect(tail.bytes).toBe(Array.from({ length: 200000 }, (_, i) => `line ${i}\n`).join('').length);
    expect(html.length).toBeLessThan(1024 * 1024);
  });

  it('the terminal comparison does not read logs: compare --json has no stderr tail', () => {
    const out = JSON.parse(tmt(dir, ['compare', 'base', 'crashed', '--json']).stdout);
    expect(out.runs[1].status).toBe('failed');
    expect(out.runs[1].stderrTail).toBeUndefined();
  });
});
