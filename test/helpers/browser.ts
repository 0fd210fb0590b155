/**
 * A real headless Chromium ($CHROMIUM, else Debian's at /usr/bin/chromium,
 * else the one inside the devDependency @sparticuz/chromium: see chromium.mjs)
 * driven by playwright-core, with no network: every request that is not for a
 * file: URL is aborted and recorded, so a test can assert that none was tried.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
import { cleanupTemp, tempDir } from './git.js';

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/html');

export interface Browser {
  ctx: BrowserContext;
  /** URLs the pages tried to reach beyond file: and data: (should stay empty). */
  network: string[];
  close(): Promise<void>;
}

/** `server`: the one http origin pages may reach (tmt ui's, `http://127.0.0.1:PORT`); without it, none. */
export async function launch(opts: { server?: () => string | undefined } = {}): Promise<Browser> {
  const { executablePath, env } = await findChromium();
  const ctx = await chromium.launchPersistentContext(tempDir('tmt-chromium-'), {
    executablePath,
    env,
    headless: true,
    offline: !opts.server,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const network: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    const server = opts.server?.();
    if (url.startsWith('file:') || url.startsWith('data:') || (server && url.startsWith(`${server}/`))) return route.continue();
    network.push(url);
    return route.abort();
  });
  ctx.on('request', (r) => {
    const url = r.url();
    const server = opts.server?.();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !(server && url.startsWith(`${server}/`)) && !network.includes(url)) network.push(url);
  });
  return { ctx, network, close: () => ctx.close() };
}

/** One browser for a test file: launched before its tests, closed (and temp dirs removed) after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    cleanupTemp();
  });
  return () => browser!;
}

export interface Loaded {
  page: Page;
  /** Uncaught errors, console errors (CSP violations are logged there too) and dialogs. */
  errors: string[];
  dialogs: string[];
}

/** Opens a page (a file, or an http address such as tmt ui's) and waits until its script says the first screen is drawn. */
export async function load(browser: Browser, file: string): Promise<Loaded> {
  const page = await browser.ctx.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(/^https?:/.test(file) ? file : pathToFileURL(file).href);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
  return { page, errors, dialogs };
}

/** Saves a screenshot under the git-ignored test-artifacts/html/. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
