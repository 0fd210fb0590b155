/**
 * What every page inlines: diff2html's UI bundle (with highlight.js's common
 * languages) and stylesheet, and tmt's own client script (built by esbuild
 * from src/html/client into dist/html/client.js). Read once per process.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { escapeInlineScript } from './escape.js';

export interface PageAssets {
  /** Inline scripts, in load order, already safe to inline. */
  scripts: string[];
  /** diff2html's stylesheet. */
  diffCss: string;
}

let cached: PageAssets | undefined;

export function loadAssets(): PageAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  const diff2html = read(require.resolve('diff2html/bundles/js/diff2html-ui-slim.min.js'));
  const client = read(fileURLToPath(new URL('./client.js', import.meta.url)));
  cached = {
    scripts: [diff2html, client].map(escapeInlineScript),
    diffCss: read(require.resolve('diff2html/bundles/css/diff2html.min.css')),
  };
  return cached;
}

/** A CSP hash source for an inline script or style. */
export function cspHash(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}
