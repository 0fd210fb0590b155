/**
 * Drawing one file's patch with diff2html. A large patch is drawn in pieces
 * of a few hundred lines, one per task, so the page keeps responding (and can
 * be scrolled, or switched to the other layout) while a 300,000-line diff
 * draws. Measured in headless Chromium on a 300,005-line patch: in one go it
 * froze the tab for over two minutes; in pieces it draws in about 16 s, and
 * the page answers within 0.5 s throughout.
 */
import { h } from './dom.js';
import { finalNewlineNote } from './final-newline.js';
import { markCarriageReturns, showCarriageReturns } from './line-ends.js';
import { patchChunks } from './patch-chunks.js';

/** diff2html's UI class, inlined in the page before this script. */
declare const Diff2HtmlUI: new (target: HTMLElement, diff: string, config: Record<string, unknown>) => { draw(): void };

export type DiffFormat = 'line-by-line' | 'side-by-side';

/** Lines drawn per task for a large patch: 10 to 40 ms of diff2html's work in Chromium. */
const CHUNK_LINES = 500;

export interface DrawOptions {
  format: DiffFormat;
  /** Past the automatic-draw limit: no line matching or highlighting (they cost most), drawn in pieces. */
  large: boolean;
  /** Called after each piece of a large patch with the share drawn so far (0 to 1). */
  progress?(share: number): void;
}

/** Draws `patch` into `target`; returns a function that stops a drawing still under way. */
export function drawPatch(target: HTMLElement, patch: string, opts: DrawOptions): () => void {
  const cr = showCarriageReturns(patch);
  if (cr.note) target.append(h('p', { class: 'note' }, ...cr.note));
  const newline = finalNewlineNote(patch);
  if (newline) target.append(h('p', { class: 'note final-newline' }, newline));
  // Never set diffMaxChanges or diffMaxLineLength: past them diff2html writes the hunk header into the page unescaped.
  const config = {
    outputFormat: opts.format,
    drawFileList: false,
    matching: opts.large ? 'none' : 'lines',
    highlight: !opts.large,
    fileListToggle: false,
    fileContentToggle: false,
    stickyFileHeaders: false,
    synchronisedScroll: true,
    colorScheme: 'auto',
  };
  const pieces = opts.large ? patchChunks(cr.patch, CHUNK_LINES) : [cr.patch];
  let stopped = false;
  const next = (k: number) => {
    if (stopped || k >= pieces.length) return;
    const el = h('div', { class: 'd2h-target' });
    // Pieces off screen skip layout and paint; without this every piece laid out the whole diff again and drawing slowed to a crawl.
    if (opts.large) Object.assign(el.style, { contentVisibility: 'auto', containIntrinsicSize: `auto ${pieces[k]!.split('\n').length * 18}px` });
    target.append(el);
    new Diff2HtmlUI(el, pieces[k]!, config).draw();
    if (cr.note) markCarriageReturns(el);
    opts.progress?.((k + 1) / pieces.length);
    if (k + 1 < pieces.length) afterTask(() => next(k + 1));
  };
  next(0);
  return () => {
    stopped = true;
  };
}

/** Runs `fn` in a new task, letting input and painting in first (a message is not throttled as timers are). */
function afterTask(fn: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => fn();
  channel.port2.postMessage(null);
}
