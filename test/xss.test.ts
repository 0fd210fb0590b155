/**
 * Script injection: payloads in every place a run's data reaches the page
 * (run names, description, tags, command, params keys and values, metric
 * names, file names, file contents, artifact names and contents, an SVG with
 * scripts, HTML posing as a PNG). In Chromium nothing may run: the flag the
 * payloads would set stays unset, no dialog opens, no element is injected,
 * and every payload is shown as the text it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, screenshot, useBrowser } from './helpers/browser.js';
import { makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { curve, recordRun } from './helpers/runs.js';
import { tmt } from './helpers/tmt.js';

const P1 = '<script>window.__pwned=1</script>';
const P2 = '"><img src=x onerror="window.__pwned=1;alert(1)">';
const P3 = 'javascript:window.__pwned=1';
const PAYLOADS = [P1, P2, P3];
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="window.__pwned=1"><script>window.__pwned=1</script><rect width="20" height="20" fill="red"/></svg>`;

const browserOf = useBrowser();

/** A path for a payload: names cannot hold '/', so the one with `</script>` becomes a directory and a file. */
const asPath = (p: string, ext = '') => p + ext;

describe('XSS: payloads in run data never execute', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo({ 'safe.py': 'x = 1\n' });
    const params = { [P1]: P2, [P2]: P3, [P3]: P1, nested: { [P1]: P1 } };
    const metrics = curve(P1, 20, (s) => 1 / (s + 1)).map((m, s) => ({ ...m, [P2]: s, [P3]: -s }));
    const artifacts = { [asPath(P2, '.txt')]: P1, [`${P3}.txt`]: P2, [asPath(P1)]: P3, 'evil.svg': SVG, 'fake.png': `<html><body>${P1}${P2}</body></html>` };
    recordRun(dir, { name: P1, description: P3, tags: PAYLOADS, params, metrics, artifacts });
    writeFiles(dir, {
      [asPath(P2, '.py')]: `s = '${P1}'\n# ${P2}\nu = "${P3}"\n`,
      [`${P3}.html`]: `<p>${P1}</p>\n<a href="${P3}">x</a>\n<div title='${P2}'></div>\n`,
      [asPath(P1, '.md')]: `${P1}\n${P2}\n`,
      'safe.py': `x = '${P1}'\n`,
    });
    recordRun(dir, { name: P2, tags: [P3], params: { ...params, [P1]: P3 }, metrics: metrics.map((m) => ({ ...m, [P1]: m[P1]! / 2 })), artifacts });
  });

  for (const command of [['diff', 'last~1', 'last'], ['compare', 'last~1', 'last']]) {
    it(`tmt ${command[0]} --html`, async () => {
      const file = path.join(tempDir('tmt-xss-'), 'page.html');
      // The payload metrics' names say no direction: flags give them one, so their best points (titled with the name) are drawn.
      const r = tmt(dir, [...command, '-o', file, '--no-open', ...PAYLOADS.flatMap((m) => ['--higher-is-better', m])]);
      expect(r.code).toBe(0);
      const html = fs.readFileSync(file, 'utf8');
      // In the file: no markup payload appears unescaped, whatever the context; `javascript:` is inert text unless it is a URL.
      expect(html.includes(P1) || html.includes(P2)).toBe(false);
      expect(/(href|src|action)\s*=\s*["']?\s*javascript:/i.test(html)).toBe(false);

      const { page: p, errors, dialogs } = await load(browserOf(), file);
      const pwned = () => p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
      expect(await pwned()).toBeUndefined();

      // Shown as text, where a reader expects it.
      const runs = await p.locator('#runs').innerText();
      for (const s of [P1, P2, P3]) expect(runs).toContain(s);
      const paramKeys = await p.locator('#params tbody th').allInnerTexts();
      expect(paramKeys).toEqual(expect.arrayContaining([P1, P2, P3, `nested.${P1}`]));
      expect(await p.locator('#params tbody').innerText()).toContain(P3);
      expect(await p.locator('#metrics tbody th > span:first-child').allInnerTexts()).toEqual(expect.arrayContaining(PAYLOADS));
      const charts = p.locator('figure.chart-card');
      expect(await charts.count()).toBe(3);
      for (let i = 0; i < 3; i++) {
        await charts.nth(i).scrollIntoViewIfNeeded();
        await expect.poll(() => charts.nth(i).locator('circle.best').count()).toBe(2);
        await charts.nth(i).locator('svg').hover();
      }
      expect(await p.locator('#charts .tip').last().innerText()).toContain(P1.slice(0, 8));

      // Artifacts: the SVG is an <img> (scripts never run there); HTML named .png is text, not an image.
      const imgs = await p.locator('#artifacts img').evaluateAll((els) => (els as HTMLImageElement[]).map((i) => [i.alt, i.src.slice(0, 26), i.naturalWidth]));
      expect(imgs).toEqual([
        ['evil.svg', 'data:image/svg+xml;base64,', 20],
        ['evil.svg', 'data:image/svg+xml;base64,', 20],
      ]);
      const fake = p.locator('#artifacts tr', { hasText: 'fake.png' }).locator('details').first();
      await fake.locator('summary').click();
      await expect.poll(() => fake.locator('pre').innerText()).toBe(`<html><body>${P1}${P2}</body></html>`);
      for (const d of await p.locator('#artifacts details').all()) await d.evaluate((el) => ((el as HTMLDetailsElement).open = true));
      expect(await p.locator('#artifacts tbody th').allInnerTexts()).toEqual(expect.arrayContaining([`${P2}.txt`, `${P3}.txt`, P1]));

      // Code: names and contents shown literally, highlighted (HTML too), in both layouts.
      await p.locator('#code').scrollIntoViewIfNeeded();
      const names = (await p.locator('#code .file-list li').allInnerTexts()).join('\n');
      for (const n of [`${P2}.py`, `${P3}.html`, `${P1}.md`]) expect(names).toContain(n);
      await p.locator('#code button', { hasText: 'Expand all' }).click();
      for (const layout of ['side-by-side', 'line-by-line']) {
        await p.locator(`button[data-format="${layout}"]`).click();
        for (const f of await p.locator('details.file').all()) {
          await f.scrollIntoViewIfNeeded();
          await expect.poll(() => f.locator('.d2h-code-line-ctn').count()).toBeGreaterThan(0);
        }
        const code = (await p.locator('#code .d2h-code-line-ctn').allInnerTexts()).join('\n');
        for (const s of PAYLOADS) expect(code).toContain(s);
      }
      await screenshot(p, `xss-${command[0]}`);

      expect(await pwned()).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(await p.locator('img[src="x"], [onerror], [onload], a[href^="javascript:"]').count()).toBe(0);
      expect(await p.locator('script:not([type])').count()).toBe(2); // diff2html and tmt's own, nothing injected
      expect(errors).toEqual([]);
      expect(browserOf().network).toEqual([]);
      await p.close();
    });
  }
});

describe('XSS: a failed run\'s stderr on the page', () => {
  it('every payload in the stderr tail is shown as text and none runs', async () => {
    const dir = makeRepo({ 'fail.js': `for (const p of ${JSON.stringify([...PAYLOADS, SVG, '</pre></details><script>window.__pwned=1</script>'])}) console.error(p);\nprocess.exit(1);\n` });
    expect(tmt(dir, ['record', '-q', '--no-pty', '-n', P1, '--', process.execPath, 'fail.js']).code).toBe(1);
    const file = path.join(tempDir('tmt-xss-'), 'page.html');
    expect(tmt(dir, ['compare', 'last', '-o', file, '--no-open']).code).toBe(0);
    const html = fs.readFileSync(file, 'utf8');
    expect(html.includes(P1) || html.includes(P2) || html.includes('</pre></details>')).toBe(false);

    const { page: p, errors, dialogs } = await load(browserOf(), file);
    const tail = p.locator('#runs details.stderr-tail');
    expect(await tail.locator('summary').innerText()).toBe(`${P1} failed: its stderr`);
    expect((await tail.locator('pre').innerText()).split('\n')).toEqual([...PAYLOADS, SVG, '</pre></details><script>window.__pwned=1</script>']);
    expect(await p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await p.locator('img[src="x"], [onerror], [onload], svg[width="20"]').count()).toBe(0);
    expect(await p.locator('script:not([type])').count()).toBe(2);
    expect(errors).toEqual([]);
    await p.close();
  });
});
