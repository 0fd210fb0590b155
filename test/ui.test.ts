/**
 * tmt ui against real recorded runs, in a real headless Chromium: the runs
 * table (filter with its errors, search, sort), charts of selected runs, a
 * failed run's stderr, hostile text shown as text, live updates while a run
 * trains; and the server's guards (token, Host header, methods, --host).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, load, screenshot, type Browser } from './helpers/browser.js';
import { serveUi, type Served } from './helpers/ui-server.js';
import { cleanupTemp, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { curve, png, recordRun } from './helpers/runs.js';
import { BIN, tmt } from './helpers/tmt.js';
import { testEnv } from './helpers/env.js';

function request(port: number, pathname: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (res) => {
      let body = '';
      res.on('data', (b) => (body += b));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

afterAll(cleanupTemp);

describe('tmt ui: the server', () => {
  it('needs the token, a Host naming it, and GET; sets the token as a cookie and drops it from the address', async () => {
    const dir = makeRepo({ 'a.py': 'x\n' });
    recordRun(dir, { name: 'one', metrics: [{ step: 0, acc: 0.5 }] });
    // Names that are also Object.prototype's: kept as data, never as a prototype.
    expect(tmt(dir, ['record', '-q', '-n', 'proto', '--', 'sh', '-c', `echo '{"step": 1, "__proto__": 3, "constructor": 4}' >> "$TMT_METRICS"`]).code).toBe(0);
    // A stray file where run directories live must not stop the live stamp.
    fs.writeFileSync(path.join(dir, '.git/tmt/runs/.DS_Store'), '');
    const s = await serveUi(dir);
    expect(new URL(s.url).hostname).toBe('127.0.0.1');
    const host = { Host: `127.0.0.1:${s.port}` };
    expect((await request(s.port, '/api/runs', host)).status).toBe(403);
    const wrong = s.token.slice(0, -1) + (s.token.endsWith('0') ? '1' : '0');
    expect((await request(s.port, `/api/runs?token=${wrong}`, host)).status).toBe(403);
    expect((await request(s.port, '/api/runs', { ...host, Cookie: `tmt_ui_${s.port}=nope` })).status).toBe(403);
    // DNS rebinding: a page from evil.example resolved to 127.0.0.1 sends its own name.
    expect((await request(s.port, `/api/runs?token=${s.token}`, { Host: `evil.example:${s.port}` })).status).toBe(403);
    expect((await request(s.port, `/api/runs?token=${s.token}`, { Host: `127.0.0.1:${s.port + 1}` })).status).toBe(403);
    const first = await request(s.port, `/?token=${s.token}`, host);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['set-cookie']?.[0]).toMatch(new RegExp(`^tmt_ui_${s.port}=${s.token}; HttpOnly; SameSite=Strict; Path=/$`));
    const cookie = { ...host, Cookie: `tmt_ui_${s.port}=${s.token}` };
    // The address's token wins over a cookie another tmt ui left on 127.0.0.1 (cookies ignore ports).
    expect((await request(s.port, `/?token=${s.token}`, { ...host, Cookie: `tmt_ui_${s.port}=old` })).status).toBe(303);
    const runs = await request(s.port, '/api/runs', cookie);
    expect(runs.status).toBe(200);
    const rows = JSON.parse(runs.body).rows as Array<{ name: string; metrics: Record<string, number> }>;
    expect(rows.map((r) => r.name)).toEqual(['proto', 'one']);
    expect(Object.entries(rows[0]!.metrics)).toEqual([['__proto__', 3], ['constructor', 4]]);
    expect((await request(s.port, '/api/stamp', cookie)).status).toBe(200);
    // A path that normalises to //host must not redirect to another host.
    for (const p of ['/.//evil.com', '/a/..//evil.com', '/%2e//evil.com']) {
      const r = await request(s.port, `${p}?token=${s.token}`, host);
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/evil.com');
    }
    expect((await request(s.port, '/compare', cookie)).status).toBe(400);
    expect((await request(s.port, '/api/runs', { Host: `localhost:${s.port}`, Cookie: `tmt_ui_${s.port}=${s.token}` })).status).toBe(200);
    expect((await request(s.port, '/api/runs', cookie, 'POST')).status).toBe(405);
    expect((await request(s.port, '/api/runs', cookie, 'DELETE')).status).toBe(405);
    const page = await request(s.port, '/', cookie);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('--host 0.0.0.0 warns that other machines can connect; a bad --port is a usage error', async () => {
    const dir = makeRepo({ 'a.py': 'x\n' });
    const s = await serveUi(dir, ['--host', '0.0.0.0']);
    const until = Date.now() + 5000;
    while (!s.stderr().includes('warning') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(s.stderr()).toMatch(/warning: listening on 0\.0\.0\.0: other machines can reach this server/);
    const bad = tmt(dir, ['ui', '--no-open', '--port', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --port http: not a port/);
  });
});

describe('tmt ui in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let s: Served;
  const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';

  beforeAll(async () => {
    // The server is the one address the page may reach; everything else stays blocked (and recorded).
    browser = await launch({ server: () => (s ? `http://127.0.0.1:${s.port}` : undefined) });
    dir = makeRepo({ 'train.py': 'print(1)\n', 'fail.py': 'import sys\nprint("Traceback (most recent call last):\\nValueError: loss is nan", file=sys.stderr)\nsys.exit(3)\n' });
    recordRun(dir, { name: 'base', params: { lr: 0.1, seed: 1 }, metrics: curve('loss', 20, (k) => 1 / (k + 1)), artifacts: { 'plots/curve.png': png(8, 6, [200, 30, 30]), 'notes.txt': 'text\n' } });
    recordRun(dir, { name: 'tuned', params: { lr: 0.01, seed: 1 }, metrics: curve('loss', 20, (k) => 0.5 / (k + 1)) });
    recordRun(dir, { name: XSS, description: XSS, tags: [XSS], params: { [XSS]: XSS, constructor: 'c' }, metrics: [{ step: 0, loss: 0.3, [XSS]: 1, constructor: 2 }], artifacts: { [`${XSS}.png`]: png(2, 2, [0, 0, 0]) } });
    expect(tmt(dir, ['record', '-q', '-n', 'broken', '--', 'python3', 'fail.py']).code).toBe(3);
    s = await serveUi(dir);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** The ui in a new page, once its table is drawn; with its errors, dialogs and CSP violations watched. */
  const open = () => load(browser, s.url);

  const rowNames = (page: Page) => page.$$eval('#runs-table tbody tr[data-id] td:nth-child(2)', (tds) => tds.map((td) => td.textContent));

  it('shows every run; filters with the --where language (errors with a caret), searches, sorts; nothing runs from hostile text', async () => {
    const { page, errors, dialogs } = await open();
    expect(page.url()).toBe(`http://127.0.0.1:${s.port}/`); // the token left the address bar
    expect((await rowNames(page)).sort()).toEqual(['base', 'broken', 'tuned', XSS].sort());
    expect(await page.textContent('#runs-table')).toContain(XSS);
    await page.fill('#where', 'status = failed');
    await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-id]').length === 1);
    expect(await rowNames(page)).toEqual(['broken']);
    await page.fill('#where', 'metrics.loss >');
    await page.waitForFunction(() => (document.getElementById('where-error')?.textContent ?? '').includes('^'));
    expect(await page.textContent('#where-error')).toMatch(/^--where: expected a value after ">" at column 14\n  metrics\.loss >\n {15}\^$/);
    await page.fill('#where', '');
    await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-id]').length === 4);
    // The column chooser: a hidden column shown, a shown one hidden.
    await page.click('#columns summary');
    await page.check('#columns input[data-key="id"]');
    await page.uncheck('#columns input[data-key="metrics.loss"]');
    expect(await page.$$eval('#runs-table thead th', (ths) => ths.map((t) => t.getAttribute('data-key')))).toContain('id');
    expect(await page.$$eval('#runs-table thead th', (ths) => ths.map((t) => t.getAttribute('data-key')))).not.toContain('metrics.loss');
    await page.fill('#search', 'tun');
    expect(await rowNames(page)).toEqual(['tuned']);
    await page.fill('#search', '');
    await page.click('#runs-table th[data-key="params.lr"]');
    expect((await rowNames(page)).slice(0, 2)).toEqual(['tuned', 'base']);
    await page.click('#runs-table th[data-key="params.lr"]');
    expect((await rowNames(page)).slice(0, 2)).toEqual(['base', 'tuned']); // runs without lr stay last
    await screenshot(page, 'ui-table');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(browser.network).toEqual([]);
  });

  it("a run's details: a failed run's stderr first, params and command; hostile fields as text", async () => {
    const { page, errors, dialogs } = await open();
    await page.click('#runs-table tbody tr[data-id] >> text=broken');
    await page.waitForSelector('#detail pre[data-stream="stderr"]');
    const first = await page.$eval('#detail pre.log', (el) => el.getAttribute('data-stream'));
    expect(first).toBe('stderr');
    expect(await page.textContent('#detail pre[data-stream="stderr"]')).toContain('ValueError: loss is nan');
    expect(await page.textContent('#detail-fields')).toMatch(/failed \(exit 3\)/);
    // An image artifact is shown inline, served by the server (the page's policy allows images from it only).
    await page.click('#runs-table tbody tr[data-id] td:nth-child(2) >> text=base');
    await page.waitForFunction(() => (document.querySelector('#artifacts img') as HTMLImageElement | null)?.naturalWidth === 8);
    expect(await page.$$eval('#artifacts img', (imgs) => imgs.map((i) => (i as HTMLImageElement).alt))).toEqual(['plots/curve.png']);
    await page.click(`#runs-table tbody tr[data-id] td:nth-child(2) >> text=${XSS.slice(0, 10)}`);
    await page.waitForFunction((x) => (document.getElementById('detail')?.textContent ?? '').includes(x), XSS);
    // Markup in the fields stays text: no script, no handler; the one image is the artifact, named by its (hostile) name.
    expect(await page.$$eval('#detail script, #detail [onerror]', (els) => els.length)).toBe(0);
    expect(await page.$$eval('#detail img', (imgs) => imgs.map((i) => [i.className, (i as HTMLImageElement).alt, i.getAttribute('src')!.startsWith('/api/image?')]))).toEqual([['artifact-image', `${XSS}.png`, true]]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('charts the selected runs, one chart per metric, a line per run', async () => {
    const { page, errors } = await open();
    for (const name of ['base', 'tuned']) await page.check(`#runs-table tbody tr[data-id]:has(td:text-is("${name}")) input[type=checkbox]`);
    await page.waitForFunction(() => document.querySelectorAll('#charts figure[data-metric="loss"] path.line').length === 2);
    const points = await page.$$eval('#charts figure[data-metric="loss"] path.line', (ps) => ps.map((p) => p.getAttribute('d')!.split('L').length));
    expect(points).toEqual([20, 20]);
    // Smoothing adds a smoothed line over each raw one; a log scale redraws on a log axis.
    await page.$eval('#smoothing', (el) => {
      (el as HTMLInputElement).value = '0.6';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelectorAll('#charts figure[data-metric="loss"] path.line.smooth').length === 2);
    await page.check('#log-y');
    await page.waitForFunction(() => (document.querySelector('#log-y') as HTMLInputElement).checked && document.querySelectorAll('#charts figure[data-metric="loss"] path.line.smooth').length === 2);
    await screenshot(page, 'ui-charts');
    expect(errors).toEqual([]);
  });

  it('tmt report: the same table, charts and details from one file, offline, with nothing fetched', async () => {
    const file = path.join(tempDir('tmt-report-'), 'report.html');
    const r = tmt(dir, ['report', '-o', file, '--no-open']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${file}\n`);
    const offline = await launch();
    try {
      const { page, errors, dialogs } = await load(offline, file);
      expect((await rowNames(page)).sort()).toEqual(['base', 'broken', 'tuned', XSS].sort());
      expect(await page.isDisabled('#where')).toBe(true);
      await page.fill('#search', 'bro');
      await page.click('#runs-table tbody tr[data-id] >> text=broken');
      await page.waitForSelector('#detail pre[data-stream="stderr"]');
      expect(await page.textContent('#detail pre[data-stream="stderr"]')).toContain('ValueError: loss is nan');
      await page.fill('#search', 'base');
      await page.click('#runs-table tbody tr[data-id] >> text=base');
      await page.waitForFunction(() => (document.querySelector('#artifacts img') as HTMLImageElement | null)?.naturalWidth === 8);
      await page.fill('#search', '');
      for (const name of ['base', 'tuned']) await page.check(`#runs-table tbody tr[data-id]:has(td:text-is("${name}")) input[type=checkbox]`);
      await page.waitForFunction(() => document.querySelectorAll('#charts figure[data-metric="loss"] path.line').length === 2);
      expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(offline.network).toEqual([]);
      await screenshot(page, 'ui-report');
    } finally {
      await offline.close();
    }
  });

  it('live: a running run gains points and turns finished without a reload', async () => {
    const gate = path.join(tempDir('tmt-gate-'), 'go');
    writeFiles(dir, {
      'slow.py': `import json, os, time\nfor k in range(6):\n    with open(os.environ['TMT_METRICS'], 'a') as f:\n        f.write(json.dumps({'step': k, 'live': k * 1.5}) + '\\n')\n    while k == 2 and not os.path.exists(${JSON.stringify(gate)}):\n        time.sleep(0.05)\n    time.sleep(0.2)\n`,
    });
    const rec = spawn(process.execPath, [BIN, 'record', '-q', '-n', 'live', '--', 'python3', 'slow.py'], { cwd: dir, env: testEnv, stdio: 'ignore' });
    const recorded = new Promise((resolve) => rec.once('close', resolve));
    const { page, errors } = await open();
    const liveRow = '#runs-table tbody tr[data-id]:has(td:text-is("live"))';
    await page.waitForSelector(liveRow, { timeout: 10_000 });
    await page.check(`${liveRow} input[type=checkbox]`);
    // Three points logged, then the script waits at the gate: the chart shows them while the run is running.
    await page.waitForFunction(() => document.querySelector('#charts figure[data-metric="live"] path.line')?.getAttribute('d')?.split('L').length === 3, undefined, { timeout: 10_000 });
    expect(await page.textContent(`${liveRow} td.status-running`)).toBe('running');
    const shown = Date.now();
    fs.writeFileSync(gate, '');
    await page.waitForFunction(() => document.querySelector('#charts figure[data-metric="live"] path.line')?.getAttribute('d')?.split('L').length === 6, undefined, { timeout: 10_000 });
    await page.waitForSelector(`${liveRow} td.status-finished`, { timeout: 10_000 });
    expect(Date.now() - shown).toBeLessThan(8000);
    expect(await recorded).toBe(0);
    expect(errors).toEqual([]);
  });
});
