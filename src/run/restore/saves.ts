/**
 * Saved working trees: what `tmt apply` (and its `--undo`, `--redo`) replaced,
 * kept under refs/tmt-saved/<worktree>/{applied,undone}/<n> (layout.ts). A
 * save is a commit: its tree is the snapshot (every tracked and untracked
 * file git does not ignore), parent 1 is HEAD at the time (none before the
 * first commit), and a "sidecar" commit, named in the message, holds what a
 * restore needs beyond git's view of the files:
 *
 *   placed          the tree the command then put in place
 *   files/<path>    the exact bytes (no clean filter, no autocrlf) of every
 *                   file the command overwrote or removed, with its mode
 *   meta            JSON: those files' permission bits, and the directories
 *                   the command created (an undo removes those, and only
 *                   those, once empty)
 *
 * A save made by an undo or redo also has the save it restored as a parent,
 * so nothing a stack ever held becomes unreachable.
 */
import { TmtError } from '../../errors.js';
import { readObjects } from '../../git/cat-file.js';
import { composeTree } from '../../git/compose-tree.js';
import { EMPTY_TREE } from '../../git/diff.js';
import { git } from '../../git/exec.js';
import { savedRef, savedRefsPrefix, type SaveStack } from '../../git/layout.js';
import { commitIdentityEnv, writeBlob, writeCommit } from '../../git/objects.js';
import { isObjectId } from '../../git/ref-name.js';
import { listRefs, lockedError, tryUpdateRefs } from '../../git/refs.js';
import type { Repo } from '../../git/repo.js';
import type { RawPath } from '../../git/tree-diff.js';
import { hashFiles, kindOnDisk, permissionsOf, type RawFile } from '../../git/worktree-files.js';

export type SaveOp = 'apply' | 'undo' | 'redo';

export interface SaveInfo {
  ref: string;
  stack: SaveStack;
  /** Its number in this working tree's saves (higher is newer). */
  n: number;
  commit: string;
  /** The saved snapshot. */
  tree: string;
  /** HEAD when it was saved; undefined before the first commit. */
  head?: string;
  /** Which command saved it. */
  op: SaveOp;
  /** For `apply`: the run it applied. */
  run?: string;
  /** When it was saved (seconds since the epoch). */
  time: number;
  /** The first line of its message. */
  subject: string;
  /** The sidecar commit (see the module comment). */
  sidecar: string;
}

export interface SaveContents {
  /** The tree the command put in place after saving. */
  placed: string;
  /** Exact bytes of the files it replaced, by path. */
  files: Map<RawPath, RawFile>;
  /** Directories it created. */
  createdDirs: Set<RawPath>;
}

/** This working tree's saves, oldest first. */
export async function readSaves(repo: Repo): Promise<SaveInfo[]> {
  const prefix = savedRefsPrefix(repo);
  const refs = (await listRefs(repo, prefix)).flatMap((r) => {
    const m = /^(applied|undone)\/([1-9][0-9]{0,8})$/.exec(r.ref.slice(prefix.length));
    return m ? [{ ...r, stack: m[1] as SaveStack, n: Number(m[2]) }] : [];
  });
  const bodies = await readObjects(repo, refs.map((r) => r.oid));
  return refs.flatMap((r) => {
    const body = bodies.get(r.oid);
    const info = body && parseSave(body.toString('utf8'));
    return info ? [{ ref: r.ref, stack: r.stack, n: r.n, commit: r.oid, ...info }] : [];
  }).sort((a, b) => a.n - b.n);
}

/** The newest save on a stack, or undefined. */
export async function topOf(repo: Repo, stack: SaveStack): Promise<SaveInfo | undefined> {
  return (await readSaves(repo)).filter((s) => s.stack === stack).pop();
}

function parseSave(commit: string): Omit<SaveInfo, 'ref' | 'stack' | 'n' | 'commit'> | undefined {
  const [head = '', message = ''] = commit.split(/\n\n([\s\S]*)/);
  const field = (name: string) => new RegExp(`^${name} (.*)$`, 'm').exec(head)?.[1];
  const trailer = (name: string) => new RegExp(`^tmt-${name}: (.*)$`, 'm').exec(message)?.[1];
  const parents = [...head.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!);
  const sidecar = trailer('sidecar');
  const op = trailer('op');
  const base = trailer('head');
  if (!sidecar || !parents.includes(sidecar) || (op !== 'apply' && op !== 'undo' && op !== 'redo')) return undefined;
  return {
    tree: field('tree')!,
    head: base && isObjectId(base) && parents.includes(base) ? base : undefined,
    op,
    run: trailer('run'),
    time: Number(/ (\d+) [+-]\d{4}$/.exec(field('committer') ?? '')?.[1] ?? 0),
    subject: message.split('\n', 1)[0]!,
    sidecar,
  };
}

/** What the sidecar of a save holds. */
export async function readSaveContents(repo: Repo, save: Pick<SaveInfo, 'sidecar'>): Promise<SaveContents> {
  const top = await lsTree(repo, `${save.sidecar}^{tree}`, false);
  const placed = top.find((e) => e.path === 'placed')?.oid ?? EMPTY_TREE;
  const filesTree = top.find((e) => e.path === 'files')?.oid;
  const metaBlob = top.find((e) => e.path === 'meta')?.oid;
  const meta = metaBlob ? (JSON.parse((await readObjects(repo, [metaBlob])).get(metaBlob)?.toString('utf8') ?? '{}') as SaveMeta) : { createdDirs: [], permissions: {} };
  const files = new Map<RawPath, RawFile>();
  for (const e of filesTree ? await lsTree(repo, filesTree, true) : []) {
    if (e.mode !== '100644' && e.mode !== '100755') continue;
    const permissions = meta.permissions[e.path];
    files.set(e.path, { path: e.path, oid: e.oid, executable: e.mode === '100755', permissions: typeof permissions === 'number' ? permissions : undefined });
  }
  return { placed, files, createdDirs: new Set(meta.createdDirs.filter((d) => typeof d === 'string')) };
}

/** The sidecar's `meta`: raw paths as Latin-1 strings, which JSON carries unchanged. */
interface SaveMeta {
  createdDirs: RawPath[];
  permissions: Record<RawPath, number>;
}

async function lsTree(repo: Repo, tree: string, recursive: boolean): Promise<Array<{ mode: string; oid: string; path: RawPath }>> {
  const { stdout } = await git(['ls-tree', ...(recursive ? ['-r'] : []), '-z', '--end-of-options', tree], { cwd: repo.workTree });
  return stdout
    .toString('latin1')
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      const [mode = '', , oid = ''] = rec.slice(0, tab).split(' ');
      return { mode, oid, path: rec.slice(tab + 1) };
    });
}

export interface NewSave {
  stack: SaveStack;
  op: SaveOp;
  /** The snapshot to keep. */
  tree: string;
  head: string | undefined;
  /** What the command is about to put in place. */
  placed: string;
  /** Regular files it is about to overwrite or remove: their bytes are kept exactly. */
  replaced: readonly RawPath[];
  /** Directories it is about to create. */
  createdDirs: readonly RawPath[];
  /** The first line of the message, and more lines for a person. */
  subject: string;
  body: string;
  /** The run applied (apply). */
  run?: string;
  /** The save being restored (undo, redo): kept reachable. */
  restores?: string;
  /** Seconds since the epoch. */
  time: number;
}

/** Writes a save and its ref, next in this working tree's numbering. The ref is created, never moved (a race is CONCURRENT_UPDATE). */
export async function writeSave(repo: Repo, save: NewSave): Promise<SaveInfo> {
  const env = await commitIdentityEnv(repo);
  const regular = save.replaced.filter((p) => kindOnDisk(repo, p) === 'file');
  const oids = await hashFiles(repo, regular, { raw: true });
  const permissions: Record<RawPath, number> = {};
  const entries = regular.map((p, i) => {
    const perm = permissionsOf(repo, p) ?? 0o644;
    permissions[p] = perm;
    return { path: `files/${p}`, mode: perm & 0o111 ? '100755' : '100644', oid: oids[i]! };
  });
  const meta: SaveMeta = { createdDirs: [...save.createdDirs], permissions };
  entries.push({ path: 'meta', mode: '100644', oid: await writeBlob(repo, JSON.stringify(meta) + '\n') });
  const sidecarTree = await composeTree(repo, { subtrees: { placed: save.placed }, entries });
  const sidecar = await writeCommit(repo, { tree: sidecarTree, parents: [], message: 'tmt: what restoring a saved working tree needs (see the commit that names this one)\n', time: save.time, env });
  const trailers = [`tmt-op: ${save.op}`, ...(save.run ? [`tmt-run: ${save.run}`] : []), `tmt-head: ${save.head ?? 'none'}`, `tmt-sidecar: ${sidecar}`, ...(save.restores ? [`tmt-restores: ${save.restores}`] : [])];
  const commit = await writeCommit(repo, {
    tree: save.tree,
    parents: [...(save.head ? [save.head] : []), sidecar, ...(save.restores ? [save.restores] : [])],
    message: `${save.subject}\n\n${save.body}\n\n${trailers.join('\n')}\n`,
    time: save.time,
    env,
  });
  const n = Math.max(0, ...(await readSaves(repo)).map((s) => s.n)) + 1;
  const ref = savedRef(repo, save.stack, n);
  await updateOrFail(repo, [{ ref, newOid: commit, oldOid: null }], `tmt apply: save ${save.stack}/${n}`);
  return { ref, stack: save.stack, n, commit, tree: save.tree, head: save.head, op: save.op, run: save.run, time: save.time, subject: save.subject, sidecar };
}

/** Drops a save from its stack once it has been restored (only if the ref still points where it did). */
export async function dropSave(repo: Repo, save: Pick<SaveInfo, 'ref' | 'commit'>): Promise<void> {
  await updateOrFail(repo, [{ ref: save.ref, newOid: null, oldOid: save.commit }], 'tmt apply: restored');
}

async function updateOrFail(repo: Repo, updates: Parameters<typeof tryUpdateRefs>[1], message: string): Promise<void> {
  const conflict = await tryUpdateRefs(repo, updates, message);
  if (conflict?.kind === 'locked') throw lockedError(conflict);
  if (conflict) {
    throw new TmtError('CONCURRENT_UPDATE', `${conflict.ref} was changed by another process`, { hint: 'another tmt apply ran in this working tree at the same time; look at tmt apply --list, then run the command again' });
  }
}
