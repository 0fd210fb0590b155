/**
 * Binary files of a diff that are images (a figure, a logo) get their old
 * and new versions as data: URIs, so the page shows them before and after.
 * The type is decided by magic bytes, as for artifacts; a budget keeps
 * pages small.
 */
import { readObjects } from '../git/cat-file.js';
import type { Repo } from '../git/repo.js';
import { isZeroId } from '../git/zero-id.js';
import type { FileDiff } from './code.js';
import { sniffImage } from './sniff.js';

const CODE_IMAGE_LIMITS = { each: 2 * 1024 * 1024, total: 16 * 1024 * 1024 };

export async function attachImages(repo: Repo, files: readonly FileDiff[], limits = CODE_IMAGE_LIMITS): Promise<void> {
  let budget = limits.total;
  const wanted: Array<[FileDiff, 'old' | 'new', string]> = [];
  for (const f of files) {
    if (!f.binary) continue;
    for (const [side, oid, size] of [['old', f.oldOid, f.oldSize], ['new', f.newOid, f.newSize]] as const) {
      if (isZeroId(oid) || size === undefined || size > limits.each || size > budget) continue;
      budget -= size;
      wanted.push([f, side, oid]);
    }
  }
  const blobs = await readObjects(repo, [...new Set(wanted.map(([, , oid]) => oid))]);
  for (const [f, side, oid] of wanted) {
    const blob = blobs.get(oid);
    const mime = blob && sniffImage(blob);
    if (mime) f[side === 'old' ? 'oldImage' : 'newImage'] = `data:${mime};base64,${blob.toString('base64')}`;
  }
}
