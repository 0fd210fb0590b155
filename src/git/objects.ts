import { git } from './exec.js';
import type { Repo } from './repo.js';

/** Writes `data` as a blob and returns its id. */
export async function writeBlob(repo: Repo, data: string | Buffer): Promise<string> {
  const { stdout } = await git(['hash-object', '-w', '--stdin'], { cwd: repo.workTree, input: data });
  return stdout.toString('utf8').trim();
}

export interface CommitSpec {
  tree: string;
  parents: readonly string[];
  message: string;
  /** Seconds since the epoch; pins author and committer dates. */
  time: number;
  env?: Record<string, string>;
}

/** Creates a commit object (no ref is touched). */
export async function writeCommit(repo: Repo, spec: CommitSpec): Promise<string> {
  const date = `@${Math.floor(spec.time)} +0000`;
  const args = ['commit-tree', spec.tree, ...spec.parents.flatMap((p) => ['-p', p])];
  const { stdout } = await git(args, {
    cwd: repo.workTree,
    input: spec.message,
    env: { ...spec.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  return stdout.toString('utf8').trim();
}

export interface HeadState {
  /** HEAD commit, or undefined in a repository with no commits yet. */
  commit: string | undefined;
  tree: string | undefined;
  /** Short branch name, or undefined on a detached HEAD. */
  branch: string | undefined;
}

export async function readHead(repo: Repo): Promise<HeadState> {
  const [revs, sym] = await Promise.all([
    git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.workTree, okCodes: [1] }),
    git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: repo.workTree, okCodes: [1] }),
  ]);
  const commit = revs.code === 0 ? revs.stdout.toString('utf8').trim() : undefined;
  const tree = commit ? (await git(['rev-parse', `${commit}^{tree}`], { cwd: repo.workTree })).stdout.toString('utf8').trim() : undefined;
  return { commit, tree, branch: sym.code === 0 ? sym.stdout.toString('utf8').trim() : undefined };
}

/**
 * Identity for commits tmt makes. The user's configured identity is used when
 * there is one; otherwise git would refuse to commit, so tmt supplies its own.
 */
export async function commitIdentityEnv(repo: Repo): Promise<Record<string, string>> {
  const { code } = await git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo.workTree, okCodes: [128] });
  if (code === 0) return {};
  return {
    GIT_AUTHOR_NAME: 'tmt',
    GIT_AUTHOR_EMAIL: 'tmt@localhost',
    GIT_COMMITTER_NAME: 'tmt',
    GIT_COMMITTER_EMAIL: 'tmt@localhost',
  };
}
