/**
 * Artifacts side by side across runs: images inline (only data: URIs of the
 * image types the server checked by magic bytes; an <img> never runs
 * scripts, SVG included), text behind a disclosure, the rest by size.
 */
import { h, image, section, type Child } from './dom.js';
import { fmtBytes, plural } from './format.js';
import { swatch } from './run-style.js';
import type { ArtifactView, PageData, RunStyle } from './types.js';


export function artifactsSection(data: PageData, style: RunStyle): HTMLElement | null {
  if (data.artifacts.length === 0) return null;
  const head = h('tr', null, h('th', { scope: 'col' }, 'artifact'), ...style.labels.map((l, i) => h('th', { scope: 'col', class: 'run-col' }, swatch(style.colors[i]!), l)));
  const rows = data.artifacts.map((row) => h('tr', null, h('th', { scope: 'row', class: 'path' }, row.path, latin1Note(row.cells)), ...row.cells.map((c) => h('td', { class: 'artifact' }, cell(c)))));
  return section('artifacts', 'Artifacts', h('p', { class: 'dim' }, plural(data.artifacts.length, 'artifact')), h('div', { class: 'scroll' }, h('table', { class: 'grid artifacts' }, h('thead', null, head), h('tbody', null, ...rows))));
}

function latin1Note(cells: ReadonlyArray<ArtifactView | null>): Child {
  return cells.some((c) => c?.pathLatin1) ? h('span', { class: 'detail' }, 'name not UTF-8, read as Latin-1') : null;
}

function cell(a: ArtifactView | null): Child {
  if (!a) return h('span', { class: 'missing' }, '—');
  const size = h('span', { class: 'detail' }, fmtBytes(a.size));
  const img = a.kind === 'image' && a.dataUri ? image(a.dataUri, a.path) : null;
  if (img) return h('div', null, img, size);
  if (a.kind === 'text' && a.text !== undefined) {
    const pre = h('pre', { class: 'artifact-text' });
    const box = h('details', null, h('summary', null, 'show text ', size), pre);
    box.addEventListener('toggle', () => {
      if (box.open && !pre.firstChild) {
        pre.textContent = a.text!;
        if (a.truncated) box.append(h('p', { class: 'dim' }, `Showing the first ${fmtBytes(a.text!.length)}.`));
        if (a.latin1) box.append(h('p', { class: 'dim' }, 'Not UTF-8: shown as Latin-1.'));
      }
    });
    return box;
  }
  if (a.kind === 'omitted') return h('span', null, `not embedded (${a.reason ?? 'too large'}) `, size);
  return h('span', null, 'binary ', size);
}
