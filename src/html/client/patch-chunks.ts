/**
 * A very large patch cut into small patches that diff2html can draw one at
 * a time, so the page stays responsive while a 300,000-line diff draws.
 * Each piece is a valid patch: the file's header, then hunks whose headers
 * are computed again from the lines they hold. A long run of changes is cut
 * into pairs of removed and added slices (the first N removed lines with the
 * first N added lines), which applies the same and keeps side-by-side views
 * aligned.
 */

interface Line {
  text: string;
  /** ' ', '-', '+', or '\\' for git's "\ No newline at end of file", which belongs to the line before it. */
  kind: string;
}

/** A hunk's lines in order, with the first line numbers they start at. */
interface Hunk {
  oldStart: number;
  newStart: number;
  /** The function context git prints after the second @@. */
  context: string;
  lines: Line[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

/** Marks the hunk headers that cutting made up, so nobody takes them for git's. */
const CONTINUED = ' (continued)';

/** Cuts `patch` into patches of at most about `maxLines` lines each; a small patch comes back whole. */
export function patchChunks(patch: string, maxLines: number): string[] {
  if (patch.split('\n', maxLines + 2).length <= maxLines) return [patch];
  // A type change is two patches for one file (a deletion and an addition): cut each on its own.
  return patch.split(/^(?=diff --git )/m).flatMap((piece) => fileChunks(piece, maxLines));
}

function fileChunks(patch: string, maxLines: number): string[] {
  const lines = patch.split('\n');
  const first = lines.findIndex((l) => HUNK_HEADER.test(l));
  if (first < 0) return [patch];
  const header = lines.slice(0, first).join('\n');
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length) chunks.push(`${header}\n${current.join('\n')}\n`);
    current = [];
    size = 0;
  };
  for (const hunk of parseHunks(lines.slice(first))) {
    for (const piece of cutHunk(hunk, Math.max(2, Math.floor(maxLines / 2)))) {
      if (size + piece.lines.length > maxLines) flush();
      current.push(hunkText(piece), ...piece.lines.map((l) => l.text));
      size += piece.lines.length + 1;
    }
  }
  flush();
  return chunks;
}

function parseHunks(lines: readonly string[]): Hunk[] {
  const hunks: Hunk[] = [];
  for (const text of lines) {
    const m = HUNK_HEADER.exec(text);
    // An empty side names the line before the hunk (`-0,0` for a new file): its lines would start one later.
    if (m) hunks.push({ oldStart: Number(m[1]) + (m[2] === '0' ? 1 : 0), newStart: Number(m[3]) + (m[4] === '0' ? 1 : 0), context: m[5] ?? '', lines: [] });
    // Every line in a hunk starts with its kind; an empty one is what follows the patch's final newline.
    else if (text !== '') hunks[hunks.length - 1]?.lines.push({ text, kind: text[0]! });
  }
  return hunks;
}

/** Splits a hunk into hunks of whole units: a context line, or a slice of removed lines with the matching slice of added ones. */
function cutHunk(hunk: Hunk, half: number): Hunk[] {
  const out: Hunk[] = [];
  let oldAt = hunk.oldStart;
  let newAt = hunk.newStart;
  let piece: Hunk = { oldStart: oldAt, newStart: newAt, context: hunk.context, lines: [] };
  const take = (unit: Line[]) => {
    if (piece.lines.length && piece.lines.length + unit.length > half * 2) {
      out.push(piece);
      piece = { oldStart: oldAt, newStart: newAt, context: CONTINUED, lines: [] };
    }
    for (const l of unit) {
      if (l.kind === ' ' || l.kind === '-') oldAt++;
      if (l.kind === ' ' || l.kind === '+') newAt++;
    }
    piece.lines.push(...unit);
  };
  const all = hunk.lines;
  for (let k = 0; k < all.length; ) {
    if (all[k]!.kind !== '-' && all[k]!.kind !== '+') {
      take(withMarker(all, k, k + 1));
      k = nextAfterMarker(all, k + 1);
      continue;
    }
    // A run of changes: removed lines, then added ones, each possibly followed by a "\" marker.
    const removed: Line[][] = [];
    const added: Line[][] = [];
    while (k < all.length && (all[k]!.kind === '-' || all[k]!.kind === '+')) {
      const end = nextAfterMarker(all, k + 1);
      (all[k]!.kind === '-' ? removed : added).push(all.slice(k, end));
      k = end;
    }
    for (let s = 0; s < Math.max(removed.length, added.length); s += half) take([...removed.slice(s, s + half).flat(), ...added.slice(s, s + half).flat()]);
  }
  if (piece.lines.length) out.push(piece);
  return out;
}

function withMarker(all: readonly Line[], from: number, to: number): Line[] {
  return all.slice(from, nextAfterMarker(all, to));
}

function nextAfterMarker(all: readonly Line[], k: number): number {
  return all[k]?.kind === '\\' ? k + 1 : k;
}

function hunkText(h: Hunk): string {
  let oldCount = 0;
  let newCount = 0;
  for (const l of h.lines) {
    if (l.kind === ' ' || l.kind === '-') oldCount++;
    if (l.kind === ' ' || l.kind === '+') newCount++;
  }
  // An empty side is numbered from the line before it, as git does.
  const range = (start: number, count: number) => `${count === 0 ? start - 1 : start},${count}`;
  return `@@ -${range(h.oldStart, oldCount)} +${range(h.newStart, newCount)} @@${h.context}`;
}
