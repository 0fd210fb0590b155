/**
 * The page's script: reads the embedded data and builds every section from
 * it. Sets `data-ready` on <html> and the `tmt-ready` performance mark once
 * the first screen is drawn (tests and the benchmark wait for it).
 */
import { artifactsSection } from './artifacts.js';
import { chartsSection } from './charts.js';
import { codeSection } from './code.js';
import { h } from './dom.js';
import { metricsSection, paramsSection, runsSection } from './tables.js';
import { runStyle } from './run-style.js';
import type { PageData } from './types.js';

function main(): void {
  const app = document.getElementById('app')!;
  try {
    const data = JSON.parse(document.getElementById('tmt-data')!.textContent ?? '{}') as PageData;
    const style = runStyle(data);
    const sections = [
      runsSection(data, style),
      paramsSection(data, style),
      metricsSection(data, style),
      chartsSection(data, style),
      artifactsSection(data, style),
      codeSection(data),
    ].filter((x): x is HTMLElement => x !== null);
    const nav = h('nav', { class: 'toc' }, ...sections.map((s) => h('a', { href: `#${s.id}` }, s.querySelector('h2')?.textContent ?? s.id)));
    const warnings = data.warnings.length ? h('div', { class: 'warning' }, ...data.warnings.map((w) => h('p', null, w))) : null;
    app.replaceChildren(...[nav, warnings, ...sections].filter((x): x is HTMLElement => x !== null));
  } catch (err) {
    app.replaceChildren(h('p', { class: 'warning' }, `This page could not be drawn: ${String(err)}`));
    throw err;
  } finally {
    // Two frames: layout has run and the first visibility callbacks have drawn what is on screen.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        document.documentElement.dataset.ready = '1';
        performance.mark('tmt-ready');
      }),
    );
  }
}

main();
