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
import { workspacesDir } from '../../git/layout.js';
import { openRepo, type Repo } from '../../git/repo.js';
import { addDetachedWorktree, ignoredTopLevel, removeWorktree } from '../../git/worktree.js';

export interface WorkspaceOptions {
  repo: Repo;
  /** The run commit to check out. */
  commit: string;
  /**
   * What to link in from the main working tree: 'ignored' (every ignored
   * top-level entry), or these paths (relative to its top, any depth).
   */
  link: 'ignored' | readonly string[];
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
}

export async function openWorkspace(opts: WorkspaceOptions): Promise<Workspace> {
  const { repo } = opts;
  const paths = opts.link === 'ignored' ? await ignoredTopLevel(repo) : opts.link.map((p) => checkLinkPath(repo, p));
  const root = workspacesDir(repo);
  fs.mkdirSync(root, { recursive: true });
  const dir = path.join(root, `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`);
  await addDetachedWorktree(repo, dir, opts.commit);
  const linked: string[] = [];
  const remove = async () => {
    for (const p of linked) fs.rmSync(path.join(dir, p), { force: true }); // the link, not its target
    await removeWorktree(repo, dir, { force: true });
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
    return { dir, repo: await openRepo({ cwd: dir }), linked, remove };
  } catch (err) {
    await remove().catch(() => undefined);
    throw err;
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
