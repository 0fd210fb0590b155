/**
 * Making the working tree hold another tree, path by path, without ever
 * losing a file no snapshot holds. The plan starts from the difference
 * between the current snapshot (every tracked and untracked file git does
 * not ignore, as `git add -A` sees them) and the target tree:
 *
 * - a path the target lacks is removed, one that differs is written; paths
 *   that are the same are not touched at all (mtimes stay);
 * - a path the snapshot does not hold but the disk does (an ignored file, a
 *   file .tmtignore or the size cap left out, a symlinked data directory in
 *   the way) is never overwritten or removed: the plan is refused naming it,
 *   unless the file already holds exactly what would be written, or (when
 *   undoing) it is exactly what the command being undone wrote there;
 * - submodules (gitlinks) are left as they are, and nothing is written into
 *   one;
 * - a file that has to make way for a directory, or a directory (holding only
 *   files the snapshot has) for a file, is removed first.
 *
 * The files are written through git (a scratch index holding the target,
 * `checkout-index`), or, for bytes a save kept, exactly as saved.
 */
import fs from 'node:fs';
import { TmtError } from '../../errors.js';
import { decodeName } from '../../git/names.js';
import type { Repo } from '../../git/repo.js';
import { diffTrees, type RawPath, type TreeSide } from '../../git/tree-diff.js';
import {
  filesUnder,
  hashFiles,
  kindOnDisk,
  onDisk,
  pruneEmptyParents,
  removeEmptyTree,
  removeFile,
  symlinkBlobId,
  writeRawFiles,
  type DiskKind,
  type RawFile,
  type TreeIndex,
} from '../../git/worktree-files.js';

export interface PlaceOptions {
  repo: Repo;
  /** The snapshot of the working tree as it is. */
  current: string;
  target: string;
  /** What the command being undone put in place: its files that snapshots no longer see (ignored now) are removed or replaced when unchanged. */
  placedBefore?: string;
}

export interface Placement {
  /** Paths of the snapshot to remove (the target lacks them, or has a directory there). */
  remove: RawPath[];
  /** Directories a file of the target replaces; they hold only files in `remove`. */
  clearDirs: RawPath[];
  /** Paths of the target to write. */
  write: Array<{ path: RawPath; to: TreeSide }>;
  /** Files the undone command wrote that snapshots no longer see, unchanged since: removed. */
  cleanup: RawPath[];
  /** Such files changed since: left as they are. */
  leftChanged: RawPath[];
  /** Directories that do not exist yet and that writing the target makes. */
  createdDirs: RawPath[];
  /** Regular files whose bytes are overwritten or removed: what a save keeps byte for byte. */
  replaced: RawPath[];
  /** Submodules that differ, left alone. */
  submodules: Array<{ path: RawPath; from?: string; to?: string }>;
}

/** What is in the way of placing the tree: each path and why. */
type Blocked = { path: RawPath; why: 'unsaved' | 'submodule' };

/** Plans placing `target`; throws WOULD_LOSE_WORK naming every path that is in the way. */
export async function planPlacement(opts: PlaceOptions): Promise<Placement> {
  const { repo } = opts;
  const changes = await diffTrees(repo, opts.current, opts.target);
  const placedOnly = new Map<RawPath, TreeSide>();
  if (opts.placedBefore) {
    for (const c of await diffTrees(repo, opts.current, opts.placedBefore)) if (!c.from && c.to && c.to.kind !== 'gitlink') placedOnly.set(c.path, c.to);
  }
  const plan: Placement = { remove: [], clearDirs: [], write: [], cleanup: [], leftChanged: [], createdDirs: [], replaced: [], submodules: [] };
  const removing = new Set<RawPath>();
  const gitlinks = new Set<RawPath>();
  const blocked: Blocked[] = [];
  for (const c of changes) {
    if (c.from?.kind === 'gitlink' || c.to?.kind === 'gitlink') {
      plan.submodules.push({ path: c.path, from: c.from?.oid, to: c.to?.oid });
      if (c.from?.kind === 'gitlink') gitlinks.add(c.path);
      if (c.from?.kind === 'gitlink' && c.to && c.to.kind !== 'gitlink') blocked.push({ path: c.path, why: 'submodule' });
      if (c.from && c.from.kind !== 'gitlink') removing.add(c.path);
    } else if (!c.to) removing.add(c.path);
    else plan.write.push({ path: c.path, to: c.to });
    if (c.from?.kind === 'file') plan.replaced.push(c.path);
  }
  plan.remove = [...removing];

  const disk = new Map<RawPath, DiskKind>();
  const kind = (p: RawPath) => disk.get(p) ?? disk.set(p, kindOnDisk(repo, p)).get(p)!;
  const created = new Set<RawPath>();
  /** Paths on disk the snapshot lacks that must hold exactly one of these entries to be let through. */
  const mustMatch: Array<{ path: RawPath; as: TreeSide[]; onMatch: 'skip' | 'cleanup' }> = [];
  const inChanges = new Set(changes.map((c) => c.path));
  const inSnapshot = new Set(changes.filter((c) => c.from).map((c) => c.path));
  writes: for (const w of plan.write) {
    let fresh = false; // a prefix is new: nothing exists below it
    for (const d of prefixes(w.path)) {
      if (fresh || created.has(d)) {
        created.add(d);
        fresh = true;
      } else if (removing.has(d)) {
        created.add(d); // a file of the snapshot makes way for this directory
        fresh = true;
      } else if (gitlinks.has(d)) {
        blocked.push({ path: d, why: 'submodule' });
        continue writes;
      } else if (kind(d) === 'none') {
        created.add(d);
        fresh = true;
      } else if (kind(d) !== 'dir') {
        blocked.push({ path: d, why: 'unsaved' });
        continue writes;
      }
    }
    if (fresh || inSnapshot.has(w.path)) continue; // nothing there yet, or a file the snapshot holds
    const k = kind(w.path);
    if (k === 'dir') {
      const inside = filesUnder(repo, w.path);
      const unsaved = inside.filter((p) => !removing.has(p));
      if (unsaved.length > 0) blocked.push(...unsaved.map((p) => ({ path: p, why: 'unsaved' as const })));
      else plan.clearDirs.push(w.path);
    } else if (k === 'file' || k === 'symlink') {
      const before = placedOnly.get(w.path);
      mustMatch.push({ path: w.path, as: before ? [w.to, before] : [w.to], onMatch: 'skip' });
    } else if (k === 'other') blocked.push({ path: w.path, why: 'unsaved' });
  }
  for (const [p, side] of placedOnly) {
    if (inChanges.has(p) || removing.has(p)) continue;
    if (prefixes(p).some((d) => kind(d) !== 'dir')) continue; // moved, or behind a symlink now: not the file it wrote
    if (kind(p) === 'file' || kind(p) === 'symlink') mustMatch.push({ path: p, as: [side], onMatch: 'cleanup' });
  }

  const matched = await matchingEntry(repo, mustMatch.map((m) => ({ path: m.path, as: m.as })));
  const skip = new Set<RawPath>();
  mustMatch.forEach((m, i) => {
    const hit = matched[i];
    if (m.onMatch === 'cleanup') (hit === undefined ? plan.leftChanged : plan.cleanup).push(m.path);
    else if (hit === 0) skip.add(m.path); // already holds what would be written
    else if (hit === undefined) blocked.push({ path: m.path, why: 'unsaved' });
    // hit 1: what the undone command wrote, unchanged: overwritten
  });
  if (blocked.length > 0) throw blockedError(blocked);
  plan.write = plan.write.filter((w) => !skip.has(w.path));
  plan.createdDirs = [...created];
  return plan;
}

/** For each path, the index of the first entry its file matches (kind, executable bit and git's hash with the user's filters), or undefined. */
async function matchingEntry(repo: Repo, items: ReadonlyArray<{ path: RawPath; as: readonly TreeSide[] }>): Promise<Array<number | undefined>> {
  const files = items.filter((it) => kindOnDisk(repo, it.path) === 'file').map((it) => it.path);
  const hashes = new Map<RawPath, string>();
  (await hashFiles(repo, files, { raw: false })).forEach((oid, i) => hashes.set(files[i]!, oid));
  return items.map((it) => {
    const k = kindOnDisk(repo, it.path);
    const executable = k === 'file' && (fs.statSync(onDisk(repo, it.path)).mode & 0o111) !== 0;
    const oid = k === 'symlink' ? symlinkBlobId(repo, it.path) : hashes.get(it.path);
    const i = it.as.findIndex((s) => s.oid === oid && (s.kind === 'symlink' ? k === 'symlink' : k === 'file' && executable === (s.mode === '100755')));
    return i < 0 ? undefined : i;
  });
}

function blockedError(blocked: readonly Blocked[]): TmtError {
  const unsaved = [...new Set(blocked.filter((b) => b.why === 'unsaved').map((b) => decodeName(Buffer.from(b.path, 'latin1'))))];
  const submodules = [...new Set(blocked.filter((b) => b.why === 'submodule').map((b) => decodeName(Buffer.from(b.path, 'latin1'))))];
  const list = (paths: string[]) => `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` and ${paths.length - 5} more` : ''}`;
  const parts = [
    ...(unsaved.length ? [`it would overwrite or remove ${unsaved.length === 1 ? 'a file' : `${unsaved.length} files`} that no snapshot can save (ignored, in .tmtignore or over the size cap): ${list(unsaved)}`] : []),
    ...(submodules.length ? [`it would write over ${submodules.length === 1 ? 'a submodule' : 'submodules'}: ${list(submodules)}`] : []),
  ];
  return new TmtError('WOULD_LOSE_WORK', `refusing to change the working tree: ${parts.join('; ')}; nothing was changed`, {
    hint: 'move them out of the way first, or get the code in a directory of its own with tmt checkout RUN',
    data: { unsaved, submodules },
  });
}

/** Carries out a plan: removals first, then the files, written through git or from saved bytes (`raw`). */
export async function executePlacement(
  repo: Repo,
  plan: Placement,
  opts: { index: TreeIndex; raw?: ReadonlyMap<RawPath, RawFile>; prune: 'emptied' | ReadonlySet<RawPath> },
): Promise<void> {
  for (const p of [...plan.remove, ...plan.cleanup]) removeFile(repo, p);
  for (const d of plan.clearDirs) {
    if (!removeEmptyTree(repo, d)) throw new TmtError('WOULD_LOSE_WORK', `${decodeName(Buffer.from(d, 'latin1'))} got new files while tmt was changing the working tree; they were left there`, { hint: 'look at it, then run the command again' });
  }
  // git checkout removes directories it emptied; an undo removes only those the command it undoes made.
  const may = opts.prune === 'emptied' ? () => true : (d: RawPath) => (opts.prune as ReadonlySet<RawPath>).has(d);
  for (const p of [...plan.remove, ...plan.cleanup, ...plan.clearDirs]) pruneEmptyParents(repo, p, may);
  const raw = opts.raw ?? new Map<RawPath, RawFile>();
  const exact = plan.write.filter((w) => w.to.kind === 'file' && raw.has(w.path));
  await writeRawFiles(repo, exact.map((w) => raw.get(w.path)!));
  const viaGit = new Set(exact.map((w) => w.path));
  await opts.index.checkout(plan.write.filter((w) => !viaGit.has(w.path)).map((w) => w.path));
  if (opts.prune !== 'emptied') {
    // Directories the undone command made that are empty by now, deepest first.
    for (const d of [...opts.prune].sort((a, b) => b.length - a.length)) {
      if (kindOnDisk(repo, d) === 'dir' && fs.readdirSync(onDisk(repo, d)).length === 0) fs.rmdirSync(onDisk(repo, d));
    }
  }
}

/** `a/b/c` → `a`, `a/b`. */
function prefixes(raw: RawPath): RawPath[] {
  const out: RawPath[] = [];
  for (let at = raw.indexOf('/'); at >= 0; at = raw.indexOf('/', at + 1)) out.push(raw.slice(0, at));
  return out;
}
