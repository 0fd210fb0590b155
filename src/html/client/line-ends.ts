/**
 * Carriage returns in a patch. diff2html reads "\r" as a line break: a CRLF
 * line loses its CR (so CRLF → LF looks like identical lines) and a lone CR
 * cuts the line, hiding what follows it. Each CR is handed to diff2html as
 * ␍ instead, then drawn as a small "CR" badge (no font is needed for it), and
 * a file whose only change is its line endings says so.
 */
import { h, type Child } from './dom.js';

/** What each carriage return becomes in the text diff2html draws (U+240D; copied text keeps it). */
const CR_MARK = '\u240d';

export interface CrPatch {
  /** The patch with every CR as ␍ (git's patch lines end in LF, so each CR is content). */
  patch: string;
  /** What to tell the reader, if the patch holds a CR at all. */
  note?: Child[];
}

/** The patch with its carriage returns made visible, and the note to show above it. */
export function showCarriageReturns(patch: string): CrPatch {
  if (!patch.includes('\r')) return { patch };
  const ends = lineEndingChange(patch);
  const note = ends ? [`Only the line endings changed (${ends}); `, crBadge(), ' marks a carriage return.'] : [crBadge(), ' marks a carriage return (\\r) in the file.'];
  return { patch: patch.replace(/\r/g, CR_MARK), note };
}

/** Wraps each ␍ that diff2html drew under `root` in a badge. */
export function markCarriageReturns(root: HTMLElement): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeValue?.includes(CR_MARK)) found.push(n as Text);
  for (const text of found) {
    const parts = text.nodeValue!.split(CR_MARK);
    text.replaceWith(...parts.flatMap((p, k) => (k === 0 ? [p] : [crBadge(), p])).filter((p) => p !== ''));
  }
}

function crBadge(): HTMLElement {
  return h('span', { class: 'cr', title: 'carriage return (\\r)' }, CR_MARK);
}

/** "CRLF → LF" and the like when the removed and added lines differ only by a CR before the LF; undefined otherwise. */
function lineEndingChange(patch: string): string | undefined {
  const removed: string[] = [];
  const added: string[] = [];
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('@@ ')) inHunk = true;
    else if (line.startsWith('diff --git ')) inHunk = false;
    else if (inHunk && line[0] === '-') removed.push(line.slice(1));
    else if (inHunk && line[0] === '+') added.push(line.slice(1));
  }
  if (removed.length === 0 || removed.length !== added.length) return undefined;
  const bare = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);
  if (removed.some((l, k) => l === added[k] || bare(l) !== bare(added[k]!))) return undefined;
  const style = (lines: string[]) => (lines.every((l) => l.endsWith('\r')) ? 'CRLF' : lines.some((l) => l.endsWith('\r')) ? 'mixed' : 'LF');
  return `${style(removed)} → ${style(added)}`;
}
