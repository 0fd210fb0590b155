/**
 * Artifacts at or over `tmt.lfs.threshold` (default 10 MiB; 0 = never) go
 * into git LFS: the outputs tree gets the pointer and a `.gitattributes`
 * line naming the path, and the content goes to the LFS object store, where
 * `git lfs` finds it. Without git-lfs nothing is lost: the file is stored in
 * git as before, and the caller gets a warning that names it.
 */
import fs from 'node:fs';
import { readBlobHead } from '../../git/blob-stream.js';
import { formatLfsAttributes, MAX_ATTRIBUTES_BYTES, parseLfsAttributes } from '../../git/lfs-attributes.js';
import { formatPointer, LFS_INSTALL_HINT, lfsInstalled, lfsSettings, storeObject, type LfsPointer, type LfsSettings } from '../../git/lfs.js';
import type { Repo } from '../../git/repo.js';
import { pathBytes, type TreeSource } from '../../git/tree-writer.js';
import { formatBytes } from '../../util/format.js';
import { parseSize } from '../../util/parse-size.js';
import { quoteName } from '../../util/quote-name.js';
import { decodeName } from '../../git/names.js';
import { TmtError } from '../../errors.js';

export const DEFAULT_LFS_THRESHOLD = 10 * 1024 * 1024;
/** GitHub refuses a push holding a file over this; other hosts cap repository size. */
export const HOST_FILE_LIMIT = 100 * 1024 * 1024;
export const ATTRIBUTES_PATH = '.gitattributes';

const ARTIFACTS = Buffer.from('artifacts/');

export interface PlacedOutputs {
  sources: TreeSource[];
  /** The outputs tree will hold LFS pointers (its `.gitattributes` names some). */
  hasLfs: boolean;
  /** `.gitattributes` is among `sources`: the LFS entries changed. */
  lfsChanged: boolean;
  /** Warnings for the user (large files kept in git for want of git-lfs). */
  warnings: string[];
}

/**
 * Turns large artifact files among `sources` into LFS pointers (writing their
 * objects), and the `.gitattributes` that names them, merged with the one in
 * `previous` (the outputs tree these sources are added to).
 */
export async function placeLargeFiles(repo: Repo, previous: string | undefined, sources: readonly TreeSource[]): Promise<PlacedOutputs> {
  const settings = await lfsSettings(repo);
  // Outputs are published after the command ran: a value that went bad meanwhile must not lose the run (record checks it first).
  let threshold = DEFAULT_LFS_THRESHOLD;
  const notes: string[] = [];
  try {
    threshold = thresholdOf(settings);
  } catch (err) {
    notes.push(`${(err as Error).message}; used ${formatBytes(DEFAULT_LFS_THRESHOLD)}`);
  }
  const large = threshold === 0 ? [] : sources.filter((s): s is Extract<TreeSource, { file: string | Buffer }> => 'file' in s && isArtifact(s.path) && sizeOf(s.file) >= threshold);
  const oldAttrs = previous ? await readBlobHead(repo, previous, ATTRIBUTES_PATH, MAX_ATTRIBUTES_BYTES) : undefined;
  if (large.length === 0 && oldAttrs === undefined) return { sources: [...sources], hasLfs: false, lfsChanged: false, warnings: notes };
  const paths = oldAttrs ? parseLfsAttributes(oldAttrs) : new Set<string>();
  for (const s of sources) paths.delete(pathBytes(s.path).toString('latin1'));
  if (large.length && !(await lfsInstalled(repo))) {
    if (oldAttrs === undefined) return { sources: [...sources], hasLfs: false, lfsChanged: false, warnings: [...notes, keptInGitWarning(large, threshold)] };
    return withAttributes(sources, paths, [...notes, keptInGitWarning(large, threshold)]);
  }
  const replaced = new Map<TreeSource, TreeSource>();
  for (const s of large) {
    const pointer: LfsPointer = storeObject(settings, s.file);
    replaced.set(s, { path: s.path, data: formatPointer(pointer) });
    paths.add(pathBytes(s.path).toString('latin1'));
  }
  return withAttributes(
    sources.map((s) => replaced.get(s) ?? s),
    paths,
    notes,
  );
}

function withAttributes(sources: readonly TreeSource[], paths: ReadonlySet<string>, warnings: string[]): PlacedOutputs {
  const attrs = formatLfsAttributes([...paths].map((p) => Buffer.from(p, 'latin1')));
  return { sources: [...sources.filter((s) => pathBytes(s.path).toString('latin1') !== ATTRIBUTES_PATH), { path: ATTRIBUTES_PATH, data: attrs }], hasLfs: paths.size > 0, lfsChanged: true, warnings };
}

/** Throws BAD_ARGUMENT, before a run starts, when `tmt.lfs.threshold` is not a size. */
export async function checkLfsThreshold(repo: Repo): Promise<void> {
  thresholdOf(await lfsSettings(repo));
}

/** The threshold in bytes; a value git config holds that is not a size is an error that says where it is. */
export function thresholdOf(settings: Pick<LfsSettings, 'threshold'>): number {
  if (settings.threshold === undefined) return DEFAULT_LFS_THRESHOLD;
  try {
    return parseSize(settings.threshold, 'tmt.lfs.threshold');
  } catch {
    throw new TmtError('BAD_ARGUMENT', `git config tmt.lfs.threshold: cannot read "${settings.threshold}" as a size`, {
      hint: 'set it to a size such as 10M or 500K (0 never uses LFS): git config tmt.lfs.threshold 10M',
    });
  }
}

function keptInGitWarning(large: ReadonlyArray<{ path: TreeSource['path']; file: string | Buffer }>, threshold: number): string {
  const named = large.slice(0, 5).map((s) => `${quoteName(decodeName(pathBytes(s.path).subarray(ARTIFACTS.length)))} (${formatBytes(sizeOf(s.file))})`);
  const more = large.length > 5 ? ` and ${large.length - 5} more` : '';
  return `kept in git, not in git LFS (git-lfs is not installed): ${named.join(', ')}${more}, at or over tmt.lfs.threshold (${formatBytes(threshold)}); many hosts reject files over 100 MB (GitHub among them), so tmt push may fail. To store them in LFS: ${LFS_INSTALL_HINT}`;
}

function isArtifact(p: TreeSource['path']): boolean {
  const b = pathBytes(p);
  return b.length > ARTIFACTS.length && b.subarray(0, ARTIFACTS.length).equals(ARTIFACTS);
}

function sizeOf(file: string | Buffer): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}
