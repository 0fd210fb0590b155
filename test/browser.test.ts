/**
 * The HTML page in a real headless Chromium, loaded from a file: URL with
 * the network blocked: the diff, the params table and the charts render, the
 * side-by-side switch works, and nothing is fetched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, screenshot, useBrowser } from './helpers/browser.js';
import { makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { curve, png, recordRun } from './helpers/runs.js';
import { tmt } from './helpers/tmt.js';

const browserOf = useBrowser();

/** Writes the page with the CLI and returns its path. */
function page(dir: string, args: string[]): string {
  const file = path.join(tempDir('tmt-page-'), 'page.html');
  const r = tmt(dir, [...args, '-o', file, '--no-open']);
  if (r.code !== 0) throw new Error(`tmt ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  expect(r.stdout).toBe(`${file}\n`);
  return file;
}

describe('tmt diff --html in Chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo({
      'train.py': 'import torch\n\ndef train(lr):\n    return lr * 2\n',
      'old.txt': 'a file to be renamed\nwith a few lines\nso git finds it\n',
      'gone.txt': 'to be deleted\n',
      'run.sh': '#!/bin/sh\necho run\n',
      'old-tool.sh': '#!/bin/sh\necho a tool that is renamed\nand made executable\n',
      'latin1.txt': Buffer.from('caf\xe9\n', 'latin1'),
      'weights.bin': Buffer.from([0, 1, 2, 3]),
      'figure.png': png(10, 10, [220, 20, 20]),
    });
    recordRun(dir, {
      name: 'baseline',
      params: { lr: 0.1, seed: 1, model: { depth: 4 } },
      tags: ['sweep'],
      metrics: curve('loss', 100, (s) => 2 * Math.exp(-s / 30) + 0.1).map((m, s) => ({ ...m, acc: 1 - Math.exp(-s / 40) })),
      artifacts: { 'plot.png': png(40, 20, [200, 30, 30]), 'diagram.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="30"><circle cx="15" cy="15" r="10" fill="blue"/></svg>', 'log.txt': 'epoch 1\nepoch 2\n' },
    });
    writeFiles(dir, { 'train.py': 'import torch\n\ndef train(lr):\n    return lr * 3  # tuned\n', 'latin1.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'), 'weights.bin': Buffer.from([0, 1, 2, 3, 4]), 'added.py': 'print("new")\n', 'figure.png': png(12, 10, [20, 200, 20]) });
    fs.renameSync(path.join(dir, 'old.txt'), path.join(dir, 'new.txt'));
    fs.rmSync(path.join(dir, 'gone.txt'));
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    fs.renameSync(path.join(dir, 'old-tool.sh'), path.join(dir, 'new-tool.sh'));
    fs.chmodSync(path.join(dir, 'new-tool.sh'), 0o755);
    writeFiles(dir, { 'setup.sh': { content: '#!/bin/sh\necho setup\n', mode: 0o755 } });
    recordRun(dir, {
      name: 'tuned',
      params: { lr: 0.01, seed: 1, model: { depth: 8 } },
      metrics: curve('loss', 120, (s) => 1.5 * Math.exp(-s / 20) + 0.05).map((m, s) => ({ ...m, acc: 1 - Math.exp(-s / 25), val_loss: 1 / (s + 1) })),
      artifacts: { 'plot.png': png(40, 20, [30, 160, 30]), 'log.txt': 'epoch 1\nepoch 2\nepoch 3\n' },
    });
  });

  it('shows the runs, params, metrics, charts and the code diff; switches to side by side; fetches nothing', async () => {
    const { page: p, errors, dialogs } = await load(browserOf(), page(dir, ['diff', 'baseline', 'tuned', '--html']));

    // Runs side by side, params with the changed ones marked.
    expect(await p.locator('#runs thead').innerText()).toMatch(/baseline[\s\S]*tuned/);
    expect(await p.locator('#runs tbody').innerText()).toMatch(/status\s+finished \(exit 0\)\s+finished \(exit 0\)/);
    const params = await p.locator('#params tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, r.className, ...[...r.querySelectorAll('td')].map((td) => td.textContent)]));
    expect(params).toEqual([
      ['lr', 'changed', '0.1', '0.01'],
      ['model.depth', 'changed', '4', '8'],
      ['seed', 'same', '1', '1'],
    ]);
    await p.locator('#params-only-changed').check();
    expect(await p.locator('#params tbody tr:visible').count()).toBe(2);

    // Metrics coloured by direction: loss is lower-is-better, acc higher; val_loss only in one run.
    const loss = p.locator('#metrics tbody tr', { hasText: /^loss/ });
    expect(await loss.locator('td').nth(1).getAttribute('class')).toBe('metric better');
    expect(await p.locator('#metrics tbody tr', { hasText: /^val_loss/ }).locator('td').first().innerText()).toBe('—');

    // Charts: one per metric, both runs overlaid, smoothed lines over faint raw ones, each run's best point marked.
    const lossChart = p.locator('figure.chart-card[data-metric="loss"]');
    await lossChart.scrollIntoViewIfNeeded();
    await expect.poll(() => lossChart.locator('path.line.raw').count()).toBe(2);
    expect(await lossChart.locator('path.line.smooth').count()).toBe(2);
    expect(await lossChart.locator('circle.best').count()).toBe(2);
    const bestTitle = await lossChart.locator('circle.best').nth(1).locator('title').textContent();
    expect(bestTitle).toMatch(/^tuned: best loss 0\.05\d* at step 119$/);
    const smoothBefore = await lossChart.locator('path.line.smooth').first().getAttribute('d');
    await p.locator('#smoothing').fill('0.9');
    await expect.poll(() => lossChart.locator('path.line.smooth').first().getAttribute('d')).not.toBe(smoothBefore);
    await p.locator('#smoothing').fill('0');
    await expect.poll(() => lossChart.locator('path.line.smooth').count()).toBe(0);
    // Log scale: the y axis keeps enough labels to read (loss spans about 0.05 to 2.1: 0.1, 0.2, 0.5, 1, 2).
    const yLabels = () => lossChart.locator('g.axes text[text-anchor="end"]:not(.axis-label)').allTextContents();
    await p.locator('#log-y').check();
    // Polled until the log labels are there: the linear axis already has 3 or more labels before the redraw.
    await expect.poll(yLabels).toEqual(expect.arrayContaining(['0.1', '0.5', '1']));
    await p.locator('#log-y').uncheck();
    expect(await p.locator('figure.chart-card').count()).toBe(3);
    expect(await p.locator('figure.chart-card[data-metric="val_loss"] figcaption').innerText()).toContain('not logged by baseline');

    // Artifacts: images inline as data: URIs that really decode, text behind a disclosure.
    const images = await p.locator('#artifacts img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((i) => [i.src.slice(0, 22), i.naturalWidth]));
    expect(images).toEqual(expect.arrayContaining([['data:image/png;base64,', 40], ['data:image/svg+xml;bas', 30]]));
    await p.locator('#artifacts summary').first().click();
    await expect.poll(() => p.locator('#artifacts pre').first().innerText()).toBe('epoch 1\nepoch 2\n');

    // The code: file list, each file drawn by diff2html with syntax highlighting, the hard cases named.
    await p.locator('#code').scrollIntoViewIfNeeded();
    expect(await p.locator('#code .diff-head').innerText()).toMatch(/^baseline → tuned: 10 files changed/);
    expect(await p.title()).toBe('tmt diff: baseline → tuned');
    const list = await p.locator('#code .file-list li').allInnerTexts();
    expect(list.join('\n')).toMatch(/ADDED added\.py \+1 −0/);
    expect(list.join('\n')).toMatch(/RENAMED 100% old\.txt → new\.txt/);
    expect(list.join('\n')).toMatch(/MODIFIED run\.sh \+0 −0 mode 100644 → 100755/);
    expect(list.join('\n')).toMatch(/DELETED gone\.txt/);
    // Mode notes: a new executable file, and a rename that also changed the mode.
    expect(list.join('\n')).toMatch(/ADDED setup\.sh \+2 −0 mode 100755/);
    expect(list.join('\n')).toMatch(/RENAMED 100% old-tool\.sh → new-tool\.sh \+0 −0 mode 100644 → 100755/);
    expect(list.join('\n')).not.toMatch(/gone\.txt.*mode/);
    const train = p.locator('details.file', { hasText: 'train.py' });
    await train.scrollIntoViewIfNeeded();
    await expect.poll(() => train.locator('.d2h-ins').count()).toBeGreaterThan(0);
    expect(await train.locator('.d2h-file-diff').count()).toBe(1); // line by line
    expect((await train.locator('td.d2h-ins .d2h-code-line-ctn').allInnerTexts()).join('\n')).toContain('return lr * 3  # tuned');
    expect(await train.locator('.hljs-keyword, .hljs-comment, .hljs-number').count()).toBeGreaterThan(0);
    const latin = p.locator('details.file', { hasText: 'latin1.txt' });
    await latin.scrollIntoViewIfNeeded();
    await expect.poll(() => latin.locator('.note').first().textContent()).toContain('not UTF-8');
    expect(await latin.locator('td.d2h-ins .d2h-code-line-ctn').innerText()).toBe('café crème');
    const binary = p.locator('details.file', { hasText: 'weights.bin' });
    await binary.scrollIntoViewIfNeeded();
    await expect.poll(() => binary.locator('.note').textContent()).toBe('Binary file modified: 4 B → 5 B.');
    expect(await binary.locator('img').count()).toBe(0);
    // A binary file that is an image is shown before and after.
    const figure = p.locator('details.file', { hasText: 'figure.png' });
    await figure.scrollIntoViewIfNeeded();
    await expect.poll(() => figure.locator('.before-after img').count()).toBe(2);
    expect(await figure.locator('.before-after img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((i) => [i.alt.replace(/^.* /, ''), i.naturalWidth]))).toEqual([['before', 10], ['after', 12]]);
    await p.locator('details.file', { hasText: 'new.txt' }).scrollIntoViewIfNeeded();
    await expect.poll(() => p.locator('details.file', { hasText: 'new.txt' }).locator('.note').textContent()).toBe('Renamed without changes to the content.');
    const tool = p.locator('details.file', { hasText: 'new-tool.sh' });
    await tool.scrollIntoViewIfNeeded();
    await expect.poll(() => tool.locator('.note').textContent()).toBe('Renamed without changes to the content; mode 100644 → 100755.');
    const runSh = p.locator('details.file', { hasText: 'run.sh' });
    await runSh.scrollIntoViewIfNeeded();
    await expect.poll(() => runSh.locator('.note').textContent()).toBe('Only the mode changed: 100644 → 100755.');
    await screenshot(p, 'diff-line-by-line');

    // The side-by-side switch redraws the files in two columns, and back.
    await p.locator('button[data-format="side-by-side"]').click();
    await train.scrollIntoViewIfNeeded();
    await expect.poll(() => train.locator('.d2h-file-side-diff').count()).toBe(2);
    expect(await p.locator('button[data-format="side-by-side"]').getAttribute('aria-pressed')).toBe('true');
    await screenshot(p, 'diff-side-by-side');
    await p.locator('button[data-format="line-by-line"]').click();
    await expect.poll(() => train.locator('.d2h-file-diff').count()).toBe(1);
    expect(await train.locator('.d2h-file-side-diff').count()).toBe(0);

    // Files collapse and expand.
    await train.locator('summary').click();
    expect(await train.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);

    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await p.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
    expect(browserOf().network).toEqual([]);
    await p.close();
  });

  it('a single run against its base; a run with no metrics and no artifacts', async () => {
    const bare = makeRepo({ 'a.py': 'x = 1\n' });
    writeFiles(bare, { 'a.py': 'x = 2\n' });
    recordRun(bare, { name: 'plain' });
    const { page: p, errors } = await load(browserOf(), page(bare, ['diff', 'plain', '--html']));
    expect(await p.locator('#metrics').innerText()).toContain('No metrics recorded.');
    expect(await p.locator('#charts').innerText()).toContain('No metric series to draw');
    expect(await p.locator('#params').innerText()).toContain('No params recorded.');
    expect(await p.locator('#artifacts').count()).toBe(0);
    expect(await p.locator('#code .diff-head').innerText()).toMatch(/^base [0-9a-f]{12} → plain: 1 file changed, \+1 −1$/);
    await expect.poll(() => p.locator('#code td.d2h-ins .d2h-code-line-ctn').innerText()).toBe('x = 2');
    expect(errors).toEqual([]);
    await p.close();
  });

  it('a carriage return is drawn as CR, never taken for a line break; a file whose line endings alone changed says so', async () => {
    const cr = makeRepo({ 'crlf.txt': 'x\r\ny\r\n', 'lone.txt': 'one\rtwo\nkeep\n', 'plain.txt': 'a\n', 'nonl.txt': 'last' });
    recordRun(cr, { name: 'before' });
    writeFiles(cr, { 'crlf.txt': 'x\ny\n', 'lone.txt': 'one\rTHREE\nkeep\n', 'plain.txt': 'b\n', 'nonl.txt': 'last\n' });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${cr}/`), Buffer.from('na\xefve.txt', 'latin1')]), 'plain text\n'); // a name that is not UTF-8
    recordRun(cr, { name: 'after' });
    const { page: p, errors } = await load(browserOf(), page(cr, ['diff', 'before', 'after', '--html']));
    const lines = async (file: string, side: 'del' | 'ins') => {
      const block = p.locator('details.file', { hasText: file });
      await block.scrollIntoViewIfNeeded();
      await expect.poll(() => block.locator(`td.d2h-${side}`).count()).toBeGreaterThan(0);
      return block.locator(`td.d2h-${side} .d2h-code-line-ctn`).allTextContents();
    };
    for (const format of ['line-by-line', 'side-by-side'] as const) {
      await p.locator(`button[data-format="${format}"]`).click();
      // What follows a lone CR is shown, and the change is in it.
      expect(await lines('lone.txt', 'del')).toEqual(['one\u240dtwo']);
      expect(await lines('lone.txt', 'ins')).toEqual(['one\u240dTHREE']);
      // CRLF -> LF: the removed lines keep their CR, so they differ from the added ones.
      expect(await lines('crlf.txt', 'del')).toEqual(['x\u240d', 'y\u240d']);
      expect(await lines('crlf.txt', 'ins')).toEqual(['x', 'y']);
    }
    const crlf = p.locator('details.file', { hasText: 'crlf.txt' });
    expect(await crlf.locator('.note').innerText()).toMatch(/^Only the line endings changed \(CRLF → LF\); .* marks a carriage return\.$/);
    expect(await crlf.locator('td.d2h-del .cr').count()).toBe(2);
    expect(await crlf.locator('td.d2h-del .cr').first().getAttribute('title')).toBe('carriage return (\\r)');
    expect(await p.locator('details.file', { hasText: 'lone.txt' }).locator('.note').innerText()).toMatch(/marks a carriage return \(\\r\) in the file\.$/);
    expect(await p.locator('details.file', { hasText: 'plain.txt' }).locator('.note').count()).toBe(0);
    expect(await p.locator('details.file', { hasText: 'na\xefve.txt' }).locator('.note').innerText()).toBe("This file's name is not UTF-8; it is shown as Latin-1.");
    // git's "\ No newline at end of file", which diff2html does not draw, is said in words.
    expect(await p.locator('details.file', { hasText: 'nonl.txt' }).locator('.note').innerText()).toBe('Only the final newline changed: the old version has no newline at the end of the file; the new one has.');
    await p.locator('details.file', { hasText: 'crlf.txt' }).scrollIntoViewIfNeeded();
    await screenshot(p, 'diff-carriage-returns', false);
    await p.locator('button[data-format="line-by-line"]').click(); // the choice is remembered: leave the default for the next tests
    expect(errors).toEqual([]);
    await p.close();
  });

  it('a loss that diverged to NaN: the table says NaN, the chart draws what it can and says from which step', async () => {
    const d = makeRepo({ 'a.py': 'x = 1\n' });
    const py = (tail: string) => `import json, os\nf = open(os.environ["TMT_METRICS"], "a")\nfor s, v in enumerate([2.0, 1.5, 1.0${tail}]): f.write(json.dumps({"step": s, "loss": v}) + "\\n")`;
    expect(tmt(d, ['record', '-q', '-n', 'fine', '--', 'python3', '-c', py(', 0.5')]).code).toBe(0);
    expect(tmt(d, ['record', '-q', '-n', 'diverged', '--', 'python3', '-c', py(', float("inf"), float("nan")')]).code).toBe(0);
    const { page: p, errors } = await load(browserOf(), page(d, ['compare', 'fine', 'diverged', '--html']));
    const row = p.locator('#metrics tbody tr', { hasText: /^loss/ });
    expect(await row.locator('td .value').allInnerTexts()).toEqual(['0.5', 'NaN']);
    expect(await row.locator('td').nth(1).innerText()).toMatch(/min 1 · max 2 · 5 points/);
    const chart = p.locator('figure.chart-card[data-metric="loss"]');
    await chart.scrollIntoViewIfNeeded();
    await expect.poll(() => chart.locator('path.line.raw').count()).toBe(2);
    expect(await chart.locator('figcaption .diverged').innerText()).toBe(' · diverged: Infinity at step 3 and 1 more step');
    expect(errors).toEqual([]);
    await p.close();
  });

  it('metrics saved as final values only (tmt save -m): the charts say so instead of "logged no metrics"', async () => {
    const saved = makeRepo({ 'a.py': 'x = 1\n' });
    const save = (args: string[]) => expect(tmt(saved, ['save', ...args]).code).toBe(0);
    save(['-n', 'first', '-m', 'acc=0.5']);
    writeFiles(saved, { 'a.py': 'x = 2\n' });
    save(['-n', 'second', '-m', 'acc=0.7']);
    const only = await load(browserOf(), page(saved, ['diff', 'first', 'second', '--html']));
    expect(await only.page.locator('#metrics tbody').innerText()).toMatch(/^acc/);
    expect(await only.page.locator('#charts p').innerText()).toBe('No metric series to draw: these runs have final values (in the Metrics table) but no values over steps.');
    expect(only.errors).toEqual([]);
    await only.page.close();
    // Beside a recorded run with a curve: the curve is drawn, and the final-only metric is named.
    writeFiles(saved, { 'a.py': 'x = 3\n' });
    recordRun(saved, { name: 'curve', metrics: curve('loss', 10, (k) => 1 / (k + 1)) });
    const mixed = await load(browserOf(), page(saved, ['compare', 'second', 'curve', '--html']));
    await mixed.page.locator('#charts').scrollIntoViewIfNeeded();
    await expect.poll(() => mixed.page.locator('figure.chart-card[data-metric="loss"] path.line.raw').count()).toBe(1);
    expect(await mixed.page.locator('#charts .final-only').innerText()).toBe('Final values only, no series to draw: acc.');
    expect(mixed.errors).toEqual([]);
    await mixed.page.close();
  });

  it('tmt compare --html: N runs, the code of the first against each other run, one at a time', async () => {
    writeFiles(dir, { 'wide.py': 'WIDTH = 1024\n' });
    recordRun(dir, { name: 'wide', params: { lr: 0.1, seed: 2, model: { depth: 4, width: 1024 } }, metrics: [{ step: 0, bleu: 10 }, { step: 5, bleu: 20 }], artifacts: { 'plot.png': png(40, 20, [30, 30, 200]) } });
    const { page: p, errors } = await load(browserOf(), page(dir, ['compare', 'baseline', 'tuned', 'wide']));
    expect(await p.locator('#runs thead th.run-col').allInnerTexts()).toEqual(['baseline', 'tuned', 'wide']);
    expect(await p.locator('#params tbody tr', { hasText: 'model.width' }).locator('td').allInnerTexts()).toEqual(['—', '—', '1024']);
    expect(await p.locator('figure.chart-card').evaluateAll((f) => f.map((x) => x.getAttribute('data-metric')))).toEqual(['acc', 'bleu', 'loss', 'val_loss']);
    const plots = p.locator('#artifacts tr', { hasText: 'plot.png' }).locator('img');
    expect(await plots.count()).toBe(3);
    const picker = p.locator('#code select');
    expect(await picker.locator('option').allInnerTexts()).toEqual(['baseline → tuned', 'baseline → wide']);
    await picker.selectOption('1');
    await expect.poll(() => p.locator('#code .diff-head').innerText()).toMatch(/^baseline → wide: 11 files changed/);
    const wide = p.locator('details.file', { hasText: 'wide.py' });
    await wide.scrollIntoViewIfNeeded();
    await expect.poll(() => wide.locator('td.d2h-ins .d2h-code-line-ctn').innerText()).toBe('WIDTH = 1024');
    await screenshot(p, 'compare');
    expect(errors).toEqual([]);
    expect(browserOf().network).toEqual([]);
    await p.close();
  });

  it('run labels follow one rule everywhere on the page: a repeated name gets the id prefix, in tables, legend and diff headings alike', async () => {
    writeFiles(dir, { 'twin.py': 'TWIN = 1\n' });
    const first = recordRun(dir, { name: 'twin', metrics: [{ step: 0, bleu: 11 }] });
    writeFiles(dir, { 'twin.py': 'TWIN = 2\n' });
    const again = recordRun(dir, { name: 'twin', metrics: [{ step: 0, bleu: 12 }] });
    const { page: p, errors } = await load(browserOf(), page(dir, ['compare', 'baseline', 'twin~1', 'twin']));
    const labels = await p.locator('#runs thead th.run-col').allInnerTexts();
    // The shortest id prefix of 8 or more characters that tells the two apart.
    const [, a = '', b = ''] = labels.map((l) => /^twin \((\w+)\)$/.exec(l)?.[1] ?? l);
    expect(labels[0]).toBe('baseline');
    expect(a.length).toBeGreaterThanOrEqual(8);
    expect([first.startsWith(a), again.startsWith(b), a.length]).toEqual([true, true, b.length]);
    expect(a).not.toBe(b);
    if (a.length > 8) expect(a.slice(0, -1)).toBe(b.slice(0, -1));
    expect(await p.locator('#metrics thead th.run-col').allInnerTexts()).toEqual(labels);
    expect(await p.locator('#charts .legend-item').allInnerTexts()).toEqual(labels);
    expect(await p.locator('#code select option').allInnerTexts()).toEqual([`baseline → ${labels[1]}`, `baseline → ${labels[2]}`]);
    expect(await p.locator('#code .diff-head strong').allInnerTexts()).toEqual([labels[0], labels[1]]);
    // The terminal table names them the same way.
    expect(tmt(dir, ['compare', 'baseline', 'twin~1', 'twin']).stdout.split('\n')[0]!.trim().split(/\s{2,}/)).toEqual(['field', ...labels]);
    expect(errors).toEqual([]);
    await p.close();
  });
});
