/**
 * The page as a file: self-contained (nothing to fetch, every inline script
 * and style allowed by hash and nothing else), where it is written, when a
 * browser is opened, and bad output paths.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { recordRun } from './helpers/runs.js';
import { BIN, tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

const oneLineError = /^error: [^\n]+\nhint: [^\n]+\n$/;
const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

let dir: string;
beforeAll(() => {
  dir = makeRepo({ 'train.py': 'lr = 0.1\n' });
  recordRun(dir, { name: 'a', params: { lr: 0.1 }, metrics: [{ step: 0, loss: 1 }] });
  writeFiles(dir, { 'train.py': 'lr = 0.01\n' });
  recordRun(dir, { name: 'b', params: { lr: 0.01 }, metrics: [{ step: 0, loss: 0.5 }] });
});

/** Runs tmt on a terminal (util-linux script), outside CI unless `env` says otherwise. */
function onTty(args: string, env: Record<string, string | undefined>): { stdout: string; status: number | null } {
  const r = spawnSync('script', ['-qefc', `${process.execPath} ${BIN} ${args}`, '/dev/null'], { cwd: dir, env: { ...testEnv, CI: undefined, TERM: 'xterm', ...env }, encoding: 'utf8', input: '' });
  return { stdout: r.stdout.replace(/\r\n/g, '\n'), status: r.status };
}

/** A fake browser for xdg-open ($BROWSER): it records what it was asked to open. */
function fakeBrowser(): { env: Record<string, string>; opened: () => string | undefined } {
  const home = tempDir('tmt-browser-');
  const marker = path.join(home, 'opened');
  const script = path.join(home, 'browser.sh');
  fs.writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > '${marker}'\n`, { mode: 0o755 });
  return { env: { BROWSER: script }, opened: () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : undefined) };
}

describe('the page file', () => {
  it('is self-contained: no URL to fetch, and a CSP that allows exactly its own inline scripts and style', () => {
    const file = path.join(tempDir(), 'p.html');
    expect(tmt(dir, ['diff', 'a', 'b', '-o', file])).toMatchObject({ code: 0, stdout: `${file}\n`, stderr: '' });
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<(link|iframe|object|embed|base)\b/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<img\b/i); // images are added by the script, from data: URIs only
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    expect(styles).toHaveLength(1);
    expect(csp).toBe(`default-src 'none'; script-src ${scripts.map(sha).join(' ')}; style-src ${sha(styles[0]!)}; img-src data:; base-uri 'none'; form-action 'none'`);
    // Data blocks hold JSON with no raw <, > or &: nothing in them can close the block.
    for (const m of html.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) {
      expect(m[2]).not.toMatch(/[<>&]/);
      expect(() => JSON.parse(m[2]!)).not.toThrow();
    }
  });

  it('goes under .git/tmt/html/ by default, never into the working tree; the path is printed', () => {
    const r = tmt(dir, ['diff', 'a', 'b', '--html']);
    expect(r.code).toBe(0);
    const printed = r.stdout.trim();
    expect(printed.startsWith(path.join(fs.realpathSync(dir), '.git/tmt/html/diff-'))).toBe(true);
    expect(fs.statSync(printed).size).toBeGreaterThan(100_000);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(' M train.py'); // the edit the runs carried, and nothing new
    // -o is relative to the working directory and implies --html.
    const sub = path.join(dir, 'reports');
    fs.mkdirSync(sub);
    const inTree = tmt(sub, ['compare', 'a', 'b', '-o', 'cmp.html']);
    expect(inTree.stdout).toBe(`${path.join(fs.realpathSync(sub), 'cmp.html')}\n`);
    // A page left in the working tree would ride along in the next snapshot: said once, and not when ignored.
    expect(inTree.stderr).toBe("warning: cmp.html is in the working tree, so the next run's snapshot will carry it; write it elsewhere, or add it to .gitignore or .tmtignore\n");
    fs.writeFileSync(path.join(dir, '.tmtignore'), 'reports/\n');
    expect(tmt(sub, ['compare', 'a', 'b', '-o', 'cmp.html']).stderr).toBe('');
    fs.rmSync(path.join(dir, '.tmtignore'));
    fs.writeFileSync(path.join(dir, '.git/info/exclude'), '*.html\n');
    expect(tmt(sub, ['compare', 'a', 'b', '-o', 'cmp.html']).stderr).toBe('');
    fs.rmSync(path.join(dir, '.git/info/exclude'));
    fs.rmSync(sub, { recursive: true });
    // -o - writes the page itself to stdout.
    const piped = tmt(dir, ['diff', 'a', 'b', '-o', '-']);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^<!doctype html>\n[\s\S]*<\/html>\n$/);
  });

  it('bad output paths: a missing directory, a directory; one line, exit 2, nothing left behind', () => {
    const base = tempDir();
    const missing = tmt(dir, ['diff', 'a', 'b', '-o', path.join(base, 'no/such/dir/p.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(oneLineError);
    expect(missing.stderr).toContain(`directory ${path.join(base, 'no/such/dir')} does not exist`);
    expect(missing.stdout).toBe('');
    const isDir = tmt(dir, ['compare', 'a', 'b', '-o', base]);
    expect(isDir.code).toBe(2);
    expect(isDir.stderr).toMatch(/it is a directory/);
    expect(fs.readdirSync(base)).toEqual([]);
    for (const bad of [['--max-files', '-1'], ['--max-lines', 'many']]) {
      expect(tmt(dir, ['diff', 'a', 'b', '--html', ...bad])).toMatchObject({ code: 2, stderr: expect.stringMatching(oneLineError) });
    }
  });
});

describe('-o onto links, FIFOs and devices', () => {
  const page = /^<!doctype html>\n[\s\S]*<\/html>\n$/;

  it('a symlink is written through and stays a link; the real file keeps its mode; a dangling link gets its target', () => {
    const base = tempDir();
    fs.mkdirSync(path.join(base, 'real'));
    fs.writeFileSync(path.join(base, 'real/page.html'), 'old page\n', { mode: 0o600 });
    fs.symlinkSync('real/page.html', path.join(base, 'link.html'));
    fs.symlinkSync('real/new.html', path.join(base, 'dangling.html'));
    const r = tmt(dir, ['diff', 'a', 'b', '-o', path.join(base, 'link.html')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${path.join(fs.realpathSync(base), 'real/page.html')}\n`);
    expect(fs.lstatSync(path.join(base, 'link.html')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(base, 'link.html'), 'utf8')).toMatch(page);
    expect(fs.statSync(path.join(base, 'real/page.html')).mode & 0o777).toBe(0o600);
    const d = tmt(dir, ['compare', 'a', 'b', '-o', path.join(base, 'dangling.html')]);
    expect(d.code).toBe(0);
    expect(fs.lstatSync(path.join(base, 'dangling.html')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(base, 'real/new.html'), 'utf8')).toMatch(page);
    expect(fs.readdirSync(base).sort()).toEqual(['dangling.html', 'link.html', 'real']);
    expect(fs.readdirSync(path.join(base, 'real')).sort()).toEqual(['new.html', 'page.html']); // no temporary file left
  });

  it('a FIFO is written into, not replaced; no path is printed', async () => {
    const base = tempDir();
    const fifo = path.join(base, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const sink = fs.openSync(path.join(base, 'read.html'), 'w');
    const reader = spawn('cat', [fifo], { stdio: ['ignore', sink, 'inherit'] });
    fs.closeSync(sink);
    const read = new Promise<number | null>((resolve) => reader.on('close', resolve));
    const timer = setTimeout(() => reader.kill(), 10_000); // a FIFO replaced by a file would leave cat waiting
    try {
      const r = tmt(dir, ['diff', 'a', 'b', '-o', fifo]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
      expect(await read).toBe(0);
    } finally {
      clearTimeout(timer);
      reader.kill();
    }
    expect(fs.readFileSync(path.join(base, 'read.html'), 'utf8')).toMatch(page);
  });

  it('-o /dev/stdout writes the page to stdout (a pipe, or a file it appends to) and leaves /dev/stdout alone', () => {
    const r = tmt(dir, ['diff', 'a', 'b', '-o', '/dev/stdout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(page); // the page and nothing after it: no path line
    expect(fs.lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
    const log = path.join(tempDir(), 'log');
    fs.writeFileSync(log, 'before\n');
    const appended = spawnSync('sh', ['-c', `"$0" "$1" diff a b -o /dev/stdout >> '${log}'`, process.execPath, BIN], { cwd: dir, env: testEnv, encoding: 'utf8' });
    expect(appended.status).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^before\n<!doctype html>\n[\s\S]*<\/html>\n$/);
  });
});

describe('opening the page', () => {
  it('opens it in the browser on a terminal; the path is printed first', () => {
    const browser = fakeBrowser();
    const r = onTty('diff a b --html', browser.env);
    expect(r.status).toBe(0);
    const printed = r.stdout.trim();
    expect(printed).toMatch(/\.git\/tmt\/html\/diff-\w+-\w+\.html$/);
    expect(browser.opened()).toBe(printed);
  });

  it('never off a terminal, under CI, or with --no-open', () => {
    for (const [how, run] of [
      ['off a terminal', (env: Record<string, string>) => tmt(dir, ['diff', 'a', 'b', '--html'], env)],
      ['under CI', (env: Record<string, string>) => onTty('diff a b --html', { ...env, CI: 'true' })],
      ['--no-open', (env: Record<string, string>) => onTty('diff a b --html --no-open', env)],
    ] as const) {
      const browser = fakeBrowser();
      const r = run(browser.env);
      expect(r.stdout, how).toMatch(/\.html\n$/);
      expect(browser.opened(), how).toBeUndefined();
    }
  });

  it('when no browser can be opened: a warning, the path, exit 0', () => {
    const r = onTty('diff a b --html', { BROWSER: 'false', DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    expect(r.status).toBe(0);
    const [pathLine, warning] = r.stdout.trim().split('\n');
    expect(fs.existsSync(pathLine!)).toBe(true);
    expect(warning).toBe(`warning: could not open a browser (the opener exited with code 3); open ${pathLine} yourself`);
  });
});
