/**
 * A run's code on disk for running it again, away from the user's working
 * tree: a linked worktree detached at the run commit (whose tree is the
 * snapshot), under `<common-dir>/tmt/workspaces/`, on the repository's own
 * disk since a training run may write much there. What the snapshot never
 * holds but research code expects beside it (an ignored `data/`, a `.venv`,
 * downloaded weights) is linked in from the main working tree: by default
 * every ignored top-level entry, or the paths the caller names.
 *
 * tmt rerun uses one per rerun; a sweep runs many in parallel.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../../errors.js';
import { workspaceKeepFile, workspacesDir } from '../../git/layout.js';
import { openRepo, type Repo } from '../../git/repo.js';
import { addDetachedWorktree, ignoredTopLevel, listWorktrees, removeWorktree } from '../../git/worktree.js';

export interface WorkspaceOptions {
  repo: Repo;
  /** The run commit to check out. */
  commit: string;
  /**
   * What to link in from the main working tree: 'ignored' (every ignored
   * top-level entry), or these paths (relative to its top, any depth).
   */
  link: 'ignored' | readonly string[];
  /** Kept after the rerun (`--keep`): marked so that tmt recover never removes it. */
  keep?: boolean;
}

export interface Workspace {
  /** Top of the checked-out code. */
  dir: string;
  /** The workspace as a repository (its own index and HEAD; refs, objects and runs shared). */
  repo: Repo;
  /** Paths linked in from the main working tree, relative to the top. */
  linked: string[];
  /** Removes the worktree and its links (never what they point to). */
  remove(): Promise<void>;
  /**
   * Puts every link back as tmt made it, after a command replaced one (a
   * directory where the link was, a link elsewhere, a parent removed): the
   * next command in the workspace must find what the first found.
   */
  relink(): void;
}

export async function openWorkspace(opts: WorkspaceOptions): Promise<Workspace> {
  const { repo } = opts;
  const paths = opts.link === 'ignored' ? await ignoredTopLevel(repo) : opts.link.map((p) => checkLinkPath(repo, p));
  const root = workspacesDir(repo);
  fs.mkdirSync(root, { recursive: true });
  const dir = path.join(root, `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`);
  // tmt's own scratch, which must hold the run's code and nothing else; a user's `tmt checkout` keeps hooks.
  await addDetachedWorktree(repo, dir, opts.commit, { hooks: false });
  const linked: string[] = [];
  const wsRepo = await openRepo({ cwd: dir });
  // In its admin dir, which git removes with it: the mark never outlives the worktree.
  if (opts.keep) fs.writeFileSync(workspaceKeepFile(wsRepo.gitDir), 'kept by tmt rerun --keep\n');
  const remove = async () => {
    // Only what is still our link: the command may have replaced one (rm -rf outputs; mkdir outputs), or put a
    // link where tmt made a directory on the way. git removes the rest without following links.
    for (const p of linked) if (isLink(path.join(dir, p)) && !throughLink(dir, p)) fs.unlinkSync(path.join(dir, p));
    await removeWorktree(repo, dir, { force: true });
  };
  const relink = () => {
    for (const p of linked) {
      const target = path.join(dir, p);
      const source = path.join(repo.workTree, p);
      if (!throughLink(dir, p) && isLink(target) && fs.readlinkSync(target) === source) continue;
      // Links on the way first: unlinking one never touches what it points to, and then nothing below goes through it.
      const parts = p.split(path.sep);
      for (let k = 1; k < parts.length; k++) {
        const parent = path.join(dir, ...parts.slice(0, k));
        if (isLink(parent)) fs.unlinkSync(parent);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // What is there now is in the workspace (no link on the way): the command's, to remove.
      fs.rmSync(target, { recursive: true, force: true });
      fs.symlinkSync(source, target);
    }
  };
  try {
    for (const p of paths) {
      const target = path.join(dir, p);
      // The run's own code wins: a path it holds is never shadowed by the main tree's.
      if (fs.existsSync(target) || !fs.existsSync(path.join(repo.workTree, p))) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(repo.workTree, p), target);
      linked.push(p);
    }
    return { dir, repo: wsRepo, linked, remove, relink };
  } catch (err) {
    await remove().catch(() => undefined);
    throw err;
  }
}

/** How old a workspace no running run uses must be before it counts as abandoned: a rerun makes it moments before its run. */
const ABANDONED_AGE_MS = 10 * 60_000;

/**
 * Removes the workspaces that killed reruns left behind: not kept, not the
 * working directory of a run that may still be running (`busyCwds`), and older
 * than a rerun takes to start its run. The links in them go, never what they
 * point to (git removes a worktree without following links).
 */
export async function pruneWorkspaces(repo: Repo, busyCwds: readonly string[], nowMs: number): Promise<string[]> {
  const root = workspacesDir(repo);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const trees = new Map((await listWorktrees(repo)).map((w) => [realpath(w.path), w]));
  const removed: string[] = [];
  for (const name of names) {
    const dir = realpath(path.join(root, name));
    const inUse = busyCwds.some((cwd) => cwd === dir || cwd.startsWith(dir + path.sep));
    let age: number;
    try {
      age = nowMs - fs.lstatSync(dir).mtimeMs;
    } catch {
      continue;
    }
    if (inUse || age < ABANDONED_AGE_MS) continue;
    const adminDir = trees.has(dir) ? await gitDirOf(dir) : undefined;
    if (adminDir && fs.existsSync(workspaceKeepFile(adminDir))) continue;
    if (trees.has(dir)) await removeWorktree(repo, dir, { force: true });
    else fs.rmSync(dir, { recursive: true, force: true }); // git has forgotten it: a plain directory (rm never follows links)
    removed.push(dir);
  }
  return removed;
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether a directory on the way from `top` to `rel` is now a link: then `rel` is not where tmt put it. */
function throughLink(top: string, rel: string): boolean {
  const parts = rel.split(path.sep).slice(0, -1);
  return parts.some((_, i) => isLink(path.join(top, ...parts.slice(0, i + 1))));
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

async function gitDirOf(dir: string): Promise<string | undefined> {
  try {
    return (await openRepo({ cwd: dir })).gitDir;
  } catch {
    return undefined;
  }
}

function checkLinkPath(repo: Repo, p: string): string {
  const rel = path.relative(repo.workTree, path.resolve(repo.workTree, p));
  if (!rel || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) || rel.split(path.sep)[0] === '.git') {
    throw new TmtError('BAD_ARGUMENT', `--link ${p}: not a path inside the working tree`, { hint: 'name a file or directory under the top of the working tree, e.g. --link data' });
  }
  return rel;
}

/**
 * The recorded working directory (relative to the top) inside a workspace.
 * Made if the snapshot has no such directory (it held only ignored files);
 * a note that would lead outside is damaged, and refused.
 */
export function dirInWorkspace(ws: Pick<Workspace, 'dir'>, dir: string | undefined): string {
  const resolved = path.resolve(ws.dir, dir ?? '');
  const rel = path.relative(ws.dir, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) || rel.split(path.sep)[0] === '.git') {
    throw new TmtError('BAD_ARGUMENT', `the run's note names a working directory outside its code: ${JSON.stringify(dir)}`, {
      hint: 'the note is damaged or not from tmt; run the command yourself in tmt checkout RUN',
    });
  }
  fs.mkdirSync(resolved, { recursive: true });
  return resolved;
}
