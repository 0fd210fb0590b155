/**
 * One file of a code diff: a collapsible block whose body is drawn by
 * diff2html only when it comes near the viewport (or is opened), so a page
 * with thousands of files opens at once. Very large files wait for a click.
 */
import { append, h, image, type Child } from './dom.js';
import { fmtBytes, fmtCount, plural } from './format.js';
import { drawPatch, type DiffFormat } from './draw-patch.js';
import { isZeroId } from '../../git/zero-id.js';
import type { FileDiff } from './types.js';

/** Files with more patch lines than this are drawn on request, in pieces, without line matching or highlighting. */
const AUTO_DRAW_MAX_LINES = 3000;
/** Past this, the button warns that drawing takes a while and much memory (a 300,000-line file: about 16 s in Chromium). */
const SLOW_DRAW_LINES = 50_000;

const STATUS: Record<string, string> = { A: 'added', D: 'deleted', M: 'modified', R: 'renamed', C: 'copied', T: 'type changed', U: 'unmerged', X: 'unknown' };

export interface FileBlock {
  el: HTMLDetailsElement;
  /** Draws the body (again) in `format`. */
  draw(format: DiffFormat, force?: boolean): void;
  reset(): void;
}

export function fileTitle(f: FileDiff): Child[] {
  const tag = h('span', { class: `tag tag-${f.status}` }, STATUS[f.status] ?? f.status, f.similarity !== undefined && f.status !== 'M' ? ` ${f.similarity}%` : '');
  const name = f.oldPath !== undefined && f.oldPath !== f.path ? `${f.oldPath} → ${f.path}` : f.path;
  const stat = f.binary ? h('span', { class: 'stat' }, 'binary') : h('span', { class: 'stat' }, h('span', { class: 'add' }, `+${fmtCount(f.added ?? 0)}`), ' ', h('span', { class: 'del' }, `−${fmtCount(f.deleted ?? 0)}`));
  return [tag, ' ', h('span', { class: 'path' }, name), ' ', stat, modeNote(f)];
}

function modeNote(f: FileDiff): Child {
  const change = f.status === 'A' && f.newMode !== '100644' ? f.newMode : modeChange(f);
  return change ? h('span', { class: 'mode' }, ` mode ${change}`) : null;
}

/** "100644 → 100755" when a file that exists on both sides changed its mode. */
function modeChange(f: FileDiff): string | undefined {
  return !isZeroId(f.oldMode) && !isZeroId(f.newMode) && f.oldMode !== f.newMode ? `${f.oldMode} → ${f.newMode}` : undefined;
}

export function fileBlock(f: FileDiff, anchor: string, patchId: string): FileBlock {
  const body = h('div', { class: 'file-body' });
  const el = h('details', { class: 'file', id: anchor, open: true }, h('summary', null, ...fileTitle(f)), body);
  let drawn = false;
  let forced = false; // the user asked for this large file once: keep drawing it
  let stop = () => {};
  const placeholder = () => {
    body.replaceChildren();
    body.style.minHeight = `${Math.min(Math.max(f.lines, 2) * 20, 4000)}px`;
  };
  placeholder();
  const notes = (): Child[] => [
    f.latin1 ? h('p', { class: 'note' }, f.latin1 === 'name' ? "This file's name is not UTF-8; it is shown as Latin-1." : 'This file is not UTF-8; it is shown as Latin-1.') : null,
    f.truncatedAt !== undefined ? h('p', { class: 'note' }, `Cut at ${plural(f.truncatedAt, 'line')} of ${fmtCount(f.lines)} by the page's line limit (--max-lines).`) : null,
  ];
  const block: FileBlock = {
    el,
    reset() {
      stop();
      drawn = false;
      placeholder();
    },
    draw(format, force = false) {
      if (drawn && !force) return;
      stop();
      drawn = true;
      forced ||= force;
      body.style.minHeight = '';
      if (f.binary) {
        body.replaceChildren();
        append(body, [h('p', { class: 'note' }, `Binary file ${STATUS[f.status] ?? 'changed'}: ${sizes(f)}.`), beforeAfter(f)]);
        return;
      }
      const large = f.lines > AUTO_DRAW_MAX_LINES;
      if (large && !forced) {
        body.replaceChildren();
        append(body, largeNote(f.lines, () => block.draw(format, true)));
        return;
      }
      const source = document.getElementById(patchId);
      const patch = source ? (JSON.parse(source.textContent ?? '""') as string) : '';
      if (!/^@@ /m.test(patch)) {
        body.replaceChildren(h('p', { class: 'note' }, headerOnly(f)));
        return;
      }
      const target = h('div');
      const status = large ? h('p', { class: 'note draw-progress' }, 'Drawing…') : null;
      body.replaceChildren();
      append(body, [...notes(), status, target]);
      stop = drawPatch(target, patch, {
        format,
        large,
        progress: (share) => status && (status.textContent = share < 1 ? `Drawing… ${Math.floor(share * 100)}%` : `Drawn: ${plural(f.lines, 'line')}, without syntax highlighting.`),
      });
    },
  };
  return block;
}

/** The note and button a large file waits behind. */
function largeNote(lines: number, draw: () => void): Child[] {
  const button = h('button', { type: 'button', class: 'draw-large' }, `Show this diff (${plural(lines, 'line')})`);
  button.addEventListener('click', draw);
  const slow = lines > SLOW_DRAW_LINES ? ' This one is very large: drawing it takes a while and much memory, though the page stays usable meanwhile.' : '';
  return [h('p', { class: 'note' }, `A large diff: drawn on request, in pieces and without syntax highlighting, to keep the page responsive.${slow} `), button];
}

/** An image file's old and new versions side by side. */
function beforeAfter(f: FileDiff): Child {
  const sides = ([['before', f.oldImage], ['after', f.newImage]] as const).map(([label, uri]) => (uri ? h('figure', null, image(uri, `${f.path} ${label}`), h('figcaption', { class: 'dim' }, label)) : null));
  return sides.some(Boolean) ? h('div', { class: 'before-after' }, ...sides) : null;
}

/** What a file without hunks changed: a pure rename or copy, a mode, an empty file. */
function headerOnly(f: FileDiff): string {
  const change = modeChange(f);
  if (f.status === 'R' || f.status === 'C') return `${f.status === 'R' ? 'Renamed' : 'Copied'} without changes to the content${change ? `; mode ${change}` : ''}.`;
  if (change) return `Only the mode changed: ${change}.`;
  if (f.status === 'A') return 'A new, empty file.';
  if (f.status === 'D') return 'An empty file, deleted.';
  return 'No changes to show.';
}

function sizes(f: FileDiff): string {
  if (f.status === 'A') return fmtBytes(f.newSize);
  if (f.status === 'D') return fmtBytes(f.oldSize);
  return `${fmtBytes(f.oldSize)} → ${fmtBytes(f.newSize)}`;
}
