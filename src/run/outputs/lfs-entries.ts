/**
 * Which of a run's artifacts are git LFS pointers, the size of what they
 * stand for, and whether that content is here. An entry counts only when the
 * outputs tree's `.gitattributes` names its exact path and its blob is a
 * canonical pointer: a small artifact that happens to hold pointer text, or a
 * crafted attributes file from another clone, never turns a file into
 * something it is not.
 */
import { objectInfo, readObjects } from '../../git/cat-file.js';
import { lfsKeptRuns, updateLfsKeep } from '../../git/lfs-keep.js';
import { readBlobHead } from '../../git/blob-stream.js';
import { MAX_ATTRIBUTES_BYTES, parseLfsAttributes } from '../../git/lfs-attributes.js';
import { hasObject, lfsSettings, MAX_POINTER_BYTES, parsePointer, type LfsPointer } from '../../git/lfs.js';
import type { Repo } from '../../git/repo.js';
import { listTree, type TreeEntry } from '../../git/tree-writer.js';
import { ATTRIBUTES_PATH } from './large-files.js';

export interface LfsInfo extends LfsPointer {
  /** The object is in this repository's LFS store. */
  here: boolean;
}

export interface ArtifactEntry extends TreeEntry {
  /** Set when the entry is an LFS pointer: `size` is then the pointer's, `lfs.size` the content's. */
  lfs?: LfsInfo;
}

/** The entries under `artifacts/` of an outputs tree, LFS ones marked. */
export async function listArtifacts(repo: Repo, outputs: string): Promise<ArtifactEntry[]> {
  const [entries, lfs] = await Promise.all([listTree(repo, outputs, 'artifacts'), lfsPointersIn(repo, outputs)]);
  return lfs.size ? entries.map((e) => withLfs(e, lfs)) : entries;
}

/** Marks `entries` of the outputs tree `outputs` (listed by the caller) that are LFS pointers. */
export async function markLfs<T extends TreeEntry>(repo: Repo, outputs: string, entries: readonly T[]): Promise<Array<T & { lfs?: LfsInfo }>> {
  const lfs = await lfsPointersIn(repo, outputs, entries);
  return lfs.size ? entries.map((e) => withLfs(e, lfs)) : [...entries];
}

function withLfs<T extends TreeEntry>(e: T, lfs: ReadonlyMap<string, LfsInfo>): T & { lfs?: LfsInfo } {
  const info = lfs.get(e.bytes.toString('latin1'));
  return info ? { ...e, lfs: info } : e;
}

/** Path (latin1) → pointer, for the LFS entries of an outputs tree. */
export async function lfsPointersIn(repo: Repo, outputs: string, listed?: readonly TreeEntry[]): Promise<Map<string, LfsInfo>> {
  const out = new Map<string, LfsInfo>();
  const attrs = await readBlobHead(repo, outputs, ATTRIBUTES_PATH, MAX_ATTRIBUTES_BYTES);
  if (!attrs) return out;
  const named = parseLfsAttributes(attrs);
  if (named.size === 0) return out;
  const entries = listed ?? (await listTree(repo, outputs, 'artifacts'));
  const candidates = entries.filter((e) => e.mode !== '160000' && e.mode !== '120000' && e.size < MAX_POINTER_BYTES && named.has(e.bytes.toString('latin1')));
  if (candidates.length === 0) return out;
  const [blobs, settings] = await Promise.all([readObjects(repo, [...new Set(candidates.map((e) => e.oid))]), lfsSettings(repo)]);
  for (const e of candidates) {
    const p = parsePointer(blobs.get(e.oid) ?? Buffer.alloc(0));
    if (p) out.set(e.bytes.toString('latin1'), { ...p, here: hasObject(settings.objectsDir, p) });
  }
  return out;
}

/**
 * Puts the runs whose outputs mark LFS artifacts into the keep ref when they
 * are not in it (a run restored after tmt rm, or recorded by a tmt older than
 * the keep ref), so `git lfs prune` leaves their objects. Returns their ids.
 */
export async function keepLfsOfRuns(repo: Repo, runs: ReadonlyArray<{ id: string; outputs?: string }>): Promise<string[]> {
  const kept = await lfsKeptRuns(repo);
  const candidates = runs.filter((r): r is { id: string; outputs: string } => r.outputs !== undefined && !kept.has(r.id));
  if (candidates.length === 0) return [];
  const spec = (r: { outputs: string }) => `${r.outputs}:${ATTRIBUTES_PATH}`;
  const found = await objectInfo(repo, candidates.map(spec));
  const missing = candidates.filter((r) => found.has(spec(r)));
  await updateLfsKeep(repo, { add: new Map(missing.map((r) => [r.id, r.outputs])) });
  return missing.map((r) => r.id);
}
