/**
 * The code diff between two trees, for a page: git's file list (renames,
 * modes, binary files, line counts) with each file's patch text. Limits keep
 * pages usable at thousands of files and millions of lines: files past
 * `maxFiles`, or past `maxLines` patch lines in all, are listed but not
 * embedded, and the page says how many and which flag shows them.
 */
import { objectInfo } from '../git/cat-file.js';
import type { ChangedFile } from '../git/diff-files.js';
import { pairPatches, splitPatch, treeDiff } from '../git/diff-patch.js';
import type { TreePair } from '../git/diff.js';
import { isUtf8 } from 'node:buffer';
import { decodeBytes } from '../git/names.js';
import { isZeroId } from '../git/zero-id.js';
import { attachImages } from './code-images.js';
import type { Repo } from '../git/repo.js';

export interface DiffLimits {
  /** Files embedded at most (0: all). */
  maxFiles: number;
  /** Patch lines embedded at most, over all files (0: all). */
  maxLines: number;
}

export const DEFAULT_LIMITS: DiffLimits = { maxFiles: 1000, maxLines: 1_000_000 };

export interface FileDiff extends ChangedFile {
  binary: boolean;
  /** Blob sizes of binary files. */
  oldSize?: number;
  newSize?: number;
  /** Lines in this file's full patch. */
  lines: number;
  /** The patch text; absent for files past the limits. */
  patch?: string;
  /** The patch was cut to this many lines by `maxLines`. */
  truncatedAt?: number;
  /** The patch is not valid UTF-8 and was read as Latin-1: its lines (`content`), or only the file's name in its header. */
  latin1?: 'content' | 'name';
  /** Binary files that are images: each side as a data: URI. */
  oldImage?: string;
  newImage?: string;
}

export interface CodeDiff {
  files: FileDiff[];
  /** How many files have a patch embedded (the first `shown` of `files`). */
  shown: number;
  totals: { files: number; added: number; deleted: number; binary: number };
  limits: DiffLimits;
  /** Set when git's file list and patch did not pair up, so no patch could be shown. */
  problem?: string;
}

export async function buildCodeDiff(repo: Repo, pair: TreePair, limits: DiffLimits): Promise<CodeDiff> {
  const { files: changed, patch } = await treeDiff(pair);
  const pieces = pairPatches(changed, splitPatch(patch));
  const sizes = await objectInfo(repo, changed.filter((f) => f.added === null).flatMap((f) => [f.oldOid, f.newOid]).filter((o) => !isZeroId(o)));
  let lineBudget = limits.maxLines || Infinity;
  let shown = 0;
  const files = changed.map((f, i): FileDiff => {
    const piece = pieces?.[i];
    const file: FileDiff = { ...f, binary: f.added === null, lines: piece ? countLines(piece) : 0 };
    if (file.binary) Object.assign(file, { oldSize: sizes.get(f.oldOid)?.size, newSize: sizes.get(f.newOid)?.size });
    const fits = piece && (limits.maxFiles === 0 || shown < limits.maxFiles) && lineBudget > 0 && shown === i;
    if (!fits) return file;
    const cut = file.lines > lineBudget ? firstLines(piece, lineBudget) : piece;
    const { text, utf8 } = decodeBytes(cut);
    file.patch = text;
    if (!utf8) file.latin1 = isUtf8(cut.subarray(Math.max(0, cut.indexOf('\n@@ ')))) ? 'name' : 'content';
    if (cut !== piece) file.truncatedAt = lineBudget;
    lineBudget -= Math.min(file.lines, lineBudget);
    shown++;
    return file;
  });
  await attachImages(repo, files.slice(0, shown));
  const totals = { files: files.length, added: 0, deleted: 0, binary: 0 };
  for (const f of files) {
    totals.added += f.added ?? 0;
    totals.deleted += f.deleted ?? 0;
    if (f.binary) totals.binary++;
  }
  const problem = pieces ? undefined : 'the patch and the file list from git did not line up; showing the file list only';
  return { files, shown, totals, limits, ...(problem ? { problem } : {}) };
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) n++;
  return buf.length && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

function firstLines(buf: Buffer, n: number): Buffer {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = buf.indexOf(10, at + 1);
    if (at < 0) return buf;
  }
  return buf.subarray(0, at + 1);
}
