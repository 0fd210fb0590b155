/**
 * The code section: which runs are diffed (the first run against each other
 * run, one at a time), the side-by-side / line-by-line switch, the file list,
 * each file drawn lazily, and what the limits left out.
 */
import { fileBlock, fileTitle, type FileBlock } from './diff-file.js';
import type { DiffFormat } from './draw-patch.js';
import { patchBlockId } from '../patch-id.js';
import { h, section, whenVisible } from './dom.js';
import { fmtCount, plural } from './format.js';
import type { DiffEntry, PageData } from './types.js';

const FORMAT_KEY = 'tmt.diff.format';
/** Names listed for files past the limits; more are counted, not listed. */
const HIDDEN_LISTED = 2000;

export function codeSection(data: PageData): HTMLElement | null {
  if (data.diffs.length === 0) return null;
  let format: DiffFormat = savedFormat();
  let blocks: FileBlock[] = [];
  let byElement = new WeakMap<Element, FileBlock>();
  const body = h('div', { class: 'diff' });
  const visible = whenVisible();
  // Drawn when near the viewport and open; a closed file is watched again when it is opened.
  const watch = (b: FileBlock) => visible.watch(b.el, () => b.el.open && b.draw(format));
  const show = (k: number) => {
    const built = diffView(data.diffs[k]!, k, watch);
    blocks = built.blocks;
    byElement = new WeakMap(blocks.map((b) => [b.el, b]));
    body.replaceChildren(built.el);
  };

  const buttons = (['line-by-line', 'side-by-side'] as const).map((f) => {
    const b = h('button', { type: 'button', class: 'toggle', 'data-format': f, 'aria-pressed': String(f === format) }, f === 'line-by-line' ? 'Line by line' : 'Side by side');
    b.addEventListener('click', () => {
      if (format === f) return;
      format = f;
      saveFormat(f);
      for (const other of buttons) other.setAttribute('aria-pressed', String(other.dataset.format === f));
      for (const block of blocks) {
        block.reset();
        watch(block);
      }
    });
    return b;
  });
  const expand = (open: boolean) => () => blocks.forEach((b) => (b.el.open = open));
  const expandAll = h('button', { type: 'button' }, 'Expand all');
  const collapseAll = h('button', { type: 'button' }, 'Collapse all');
  expandAll.addEventListener('click', expand(true));
  collapseAll.addEventListener('click', expand(false));
  const toolbar = h('div', { class: 'controls code-controls' }, pairPicker(data, show), h('span', { class: 'segmented', role: 'group', 'aria-label': 'diff layout' }, ...buttons), expandAll, collapseAll);
  // `toggle` does not bubble, so listen in the capture phase.
  body.addEventListener(
    'toggle',
    (ev) => {
      const block = ev.target instanceof Element ? byElement.get(ev.target) : undefined;
      if (block?.el.open) watch(block);
    },
    true,
  );
  show(0);
  return section('code', 'Code', toolbar, body);
}

function pairPicker(data: PageData, show: (k: number) => void): HTMLElement | null {
  if (data.diffs.length < 2) return null;
  const select = h('select', { 'aria-label': 'runs to diff' }, ...data.diffs.map((d, k) => h('option', { value: k }, `${d.fromLabel} → ${d.toLabel}`)));
  select.addEventListener('change', () => show(Number(select.value)));
  return h('label', { class: 'control' }, 'Diff ', select);
}

function diffView(d: DiffEntry, k: number, watch: (b: FileBlock) => void): { el: HTMLElement; blocks: FileBlock[] } {
  const c = d.code;
  const t = c.totals;
  const head = h('p', { class: 'diff-head' }, h('strong', null, d.fromLabel), ' → ', h('strong', null, d.toLabel), ': ', plural(t.files, 'file'), ' changed', t.files ? `, +${fmtCount(t.added)} −${fmtCount(t.deleted)}` : '', t.binary ? ` (${plural(t.binary, 'binary file')})` : '');
  if (t.files === 0) return { el: h('div', null, head, h('p', { class: 'dim' }, 'The code is the same.')), blocks: [] };
  const shown = c.files.slice(0, c.shown);
  const blocks = shown.map((f, j) => fileBlock(f, `f-${k}-${j}`, patchBlockId(k, j)));
  const list = h(
    'details',
    { class: 'file-list', open: c.files.length <= 100 },
    h('summary', null, `Files (${fmtCount(c.files.length)})`),
    h('ol', null, ...shown.map((f, j) => {
      const link = h('a', { href: `#f-${k}-${j}` }, ...fileTitle(f));
      link.addEventListener('click', () => (blocks[j]!.el.open = true));
      return h('li', null, link);
    })),
  );
  const el = h('div', null, head, c.problem ? h('p', { class: 'warning' }, c.problem) : null, list, ...blocks.map((b) => b.el), hiddenNotice(d));
  blocks.forEach(watch);
  return { el, blocks };
}

function hiddenNotice(d: DiffEntry): HTMLElement | null {
  const c = d.code;
  const hidden = c.files.slice(c.shown);
  if (hidden.length === 0) return null;
  const why = c.limits.maxFiles > 0 && c.shown >= c.limits.maxFiles ? `the page shows at most ${plural(c.limits.maxFiles, 'file')}; raise it with --max-files N (0 for all)` : `the page holds at most ${plural(c.limits.maxLines, 'diff line')}; raise it with --max-lines N (0 for all)`;
  return h(
    'div',
    { class: 'notice hidden-files' },
    h('p', null, h('strong', null, `${fmtCount(hidden.length)} more ${hidden.length === 1 ? 'file' : 'files'} not shown`), `: ${why}.`),
    h('details', null, h('summary', null, 'list them'), h('ol', null, ...hidden.slice(0, HIDDEN_LISTED).map((f) => h('li', null, ...fileTitle(f)))), hidden.length > HIDDEN_LISTED ? h('p', { class: 'dim' }, `and ${fmtCount(hidden.length - HIDDEN_LISTED)} more`) : null),
  );
}

function savedFormat(): DiffFormat {
  try {
    return localStorage.getItem(FORMAT_KEY) === 'side-by-side' ? 'side-by-side' : 'line-by-line';
  } catch {
    return 'line-by-line'; // storage can be off for file: pages
  }
}

function saveFormat(f: DiffFormat): void {
  try {
    localStorage.setItem(FORMAT_KEY, f);
  } catch {
    /* not remembered; the switch still works */
  }
}
