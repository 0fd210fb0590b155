/**
 * Artifacts for a page: images as data: URIs (type checked by magic bytes;
 * an <img> never runs scripts, even in an SVG), text shown up to a limit,
 * anything else by name and size. A total budget keeps pages mailable.
 */
import { readObjects } from '../git/cat-file.js';
import { decodeBytes } from '../git/names.js';
import type { Repo } from '../git/repo.js';
import { listArtifacts, type LfsInfo } from '../run/outputs/lfs-entries.js';
import { getCommand } from '../run/outputs/entries.js';
import type { ResolvedRun } from './compared-runs.js';
import { looksText, sniffImage } from './sniff.js';

export interface ArtifactView {
  path: string;
  /** The name is not UTF-8: `path` is its Latin-1 reading. */
  pathLatin1?: boolean;
  size: number;
  kind: 'image' | 'text' | 'binary' | 'omitted';
  /** image: a data: URI of the checked type. */
  dataUri?: string;
  mime?: string;
  /** text: its first `TEXT_SHOWN` bytes. */
  text?: string;
  truncated?: boolean;
  /** text that is not valid UTF-8, shown as Latin-1. */
  latin1?: boolean;
  /** why an artifact is not shown. */
  reason?: string;
  /** Stored in git LFS; `here`: its content is in this repository. */
  lfs?: { here: boolean };
}

export const LIMITS = { image: 5 * 1024 * 1024, textRead: 1024 * 1024, textShown: 64 * 1024, total: 48 * 1024 * 1024 };

/** Run id → its artifacts, in path order. */
export async function readArtifacts(repo: Repo, runs: readonly ResolvedRun[], limits = LIMITS): Promise<Map<string, ArtifactView[]>> {
  const listed = await Promise.all(runs.map(async (r) => ({ run: r, entries: r.meta.outputs ? await listArtifacts(repo, r.meta.outputs) : [] })));
  let budget = limits.total;
  const wanted = new Set<string>();
  for (const { entries } of listed) {
    for (const e of entries) {
      if (e.lfs) continue;
      if (e.size <= Math.max(limits.image, limits.textRead) && e.size <= budget) {
        wanted.add(e.oid);
        budget -= e.size;
      }
    }
  }
  const blobs = await readObjects(repo, [...wanted]);
  const out = new Map<string, ArtifactView[]>();
  for (const { run, entries } of listed) {
    out.set(
      run.id,
      entries.map((e) => ({ ...(e.lfs ? lfsView(run.id, e.path.slice('artifacts/'.length), e.lfs) : view(e.path.slice('artifacts/'.length), e.size, blobs.get(e.oid), limits)), ...(e.utf8 ? {} : { pathLatin1: true }) })),
    );
  }
  return out;
}

/** An LFS artifact is named with its size, never embedded: at or over the LFS threshold it is too large for a page, and it may not be here. */
function lfsView(id: string, path: string, lfs: LfsInfo): ArtifactView {
  const reason = lfs.here ? 'in git LFS' : `in git LFS, not downloaded here: ${getCommand(id, path)}`;
  return { path, size: lfs.size, kind: 'omitted', reason, lfs: { here: lfs.here } };
}

function view(path: string, size: number, blob: Buffer | undefined, limits: typeof LIMITS): ArtifactView {
  if (!blob) return { path, size, kind: 'omitted', reason: size > limits.image ? 'too large to embed' : 'over the page budget' };
  const mime = sniffImage(blob);
  if (mime && size <= limits.image) return { path, size, kind: 'image', mime, dataUri: `data:${mime};base64,${blob.toString('base64')}` };
  if (!looksText(blob) || size > limits.textRead) return { path, size, kind: 'binary' };
  const shown = blob.subarray(0, limits.textShown);
  const { text, utf8 } = decodeBytes(shown.length < blob.length ? trimPartialChar(shown) : shown);
  return { path, size, kind: 'text', text, truncated: shown.length < blob.length, ...(utf8 ? {} : { latin1: true }) };
}

/** Drops a UTF-8 sequence cut in half at the end, so a cut text still decodes as UTF-8. */
function trimPartialChar(buf: Buffer): Buffer {
  let end = buf.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = buf[end - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (back < need) end -= back;
    break;
  }
  return buf.subarray(0, end);
}
