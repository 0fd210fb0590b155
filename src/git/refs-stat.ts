/**
 * A fingerprint of some refs taken from the file system alone, so a cache can
 * tell "nothing changed" without starting git. Git replaces a ref file or
 * packed-refs by renaming a new file into place, so any update changes the
 * file's inode, size or modification time. A file modified in the last two
 * seconds could change again within one tick of a coarse file-system clock
 * (git's "racily clean" problem), so such a fingerprint is not returned; nor
 * is one for reftable repositories, whose layout differs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from './repo.js';

const RACY_MS = 2_000;

/** Fingerprint of the refs under `dirs` (e.g. `refs/tmt/runs`) and of `refs` (single refs); undefined when one cannot be trusted. */
export function refsFingerprint(repo: Repo, dirs: readonly string[], refs: readonly string[], nowMs = Date.now()): string | undefined {
  return fingerprint(repo, dirs, refs, nowMs);
}

/**
 * The same, trusted however recent: for noticing that something changed
 * (a live view polls it), where a change seen twice costs a refetch and a
 * ref update always shows (git renames a new file into place). Reftable
 * repositories get the table files' stamp.
 */
export function refsStamp(repo: Repo, dirs: readonly string[], refs: readonly string[]): string {
  if (fs.existsSync(path.join(repo.commonDir, 'reftable'))) return fingerprint(repo, ['reftable'], [], undefined)!;
  return fingerprint(repo, dirs, refs, undefined)!;
}

function fingerprint(repo: Repo, dirs: readonly string[], refs: readonly string[], nowMs: number | undefined): string | undefined {
  if (nowMs !== undefined && fs.existsSync(path.join(repo.commonDir, 'reftable'))) return undefined;
  const h = createHash('sha1');
  let newest = 0n;
  const add = (rel: string, st: fs.BigIntStats | undefined) => {
    h.update(st ? `${rel} ${st.ino} ${st.size} ${st.mtimeNs}\n` : `${rel} -\n`);
    if (st && st.mtimeNs > newest) newest = st.mtimeNs;
  };
  const stat = (rel: string) => fs.lstatSync(path.join(repo.commonDir, rel), { bigint: true, throwIfNoEntry: false });
  add('packed-refs', stat('packed-refs'));
  for (const rel of refs) add(rel, stat(rel));
  for (const dir of dirs) walk(repo.commonDir, dir, add);
  if (nowMs !== undefined && BigInt(nowMs) * 1_000_000n - newest < BigInt(RACY_MS) * 1_000_000n) return undefined;
  return h.digest('hex');
}

function walk(root: string, rel: string, add: (rel: string, st: fs.BigIntStats | undefined) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return add(rel, undefined);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) walk(root, child, add);
    else add(child, fs.lstatSync(path.join(root, child), { bigint: true, throwIfNoEntry: false }));
  }
}
