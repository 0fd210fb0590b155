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

/** A commit's tree and parents, from the commit object itself. */
export async function readCommitLinks(repo: Repo, commit: string): Promise<{ tree: string; parents: string[] }> {
  const { stdout } = await git(['cat-file', 'commit', commit], { cwd: repo.workTree });
  const head = stdout.toString('utf8').split('\n\n', 1)[0]!.split('\n');
  const tree = head.find((l) => l.startsWith('tree '))!.slice(5);
  return { tree, parents: head.filter((l) => l.startsWith('parent ')).map((l) => l.slice(7)) };
}

export interface HeadState {
  /** HEAD commit, or undefined in a repository with no commits yet. */
  commit: string | undefined;
  tree: string | undefined;
  /** Short branch name, or undefined on a detached HEAD. */
  branch: string | undefined;
}

export async function readHead(repo: Repo): Promise<HeadState> {
  // One process in the common case; an unborn HEAD makes rev-parse fail, and then only the branch is known.
  const both = await git(['rev-parse', 'HEAD^{commit}', 'HEAD^{tree}', '--abbrev-ref', 'HEAD'], { cwd: repo.workTree, okCodes: [128] });
  if (both.code === 0) {
    const [commit, tree, branch] = both.stdout.toString('utf8').trim().split('\n');
    return { commit, tree, branch: branch === 'HEAD' ? undefined : branch };
  }
  const sym = await git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: repo.workTree, okCodes: [1] });
  return { commit: undefined, tree: undefined, branch: sym.code === 0 ? sym.stdout.toString('utf8').trim() : undefined };
}

/**
 * Identity for commits tmt makes. The user's configured identity is used when
 * there is one; otherwise git would refuse to commit, so tmt supplies its own.
 */
export function commitIdentityEnv(repo: Repo): Promise<Record<string, string>> {
  const known = identities.get(repo.workTree);
  if (known) return known;
  const found = git(['var', 'GIT_COMMITTER_IDENT'], { cwd: repo.workTree, okCodes: [128] }).then(({ code }): Record<string, string> =>
    code === 0 ? {} : { GIT_AUTHOR_NAME: 'tmt', GIT_AUTHOR_EMAIL: 'tmt@localhost', GIT_COMMITTER_NAME: 'tmt', GIT_COMMITTER_EMAIL: 'tmt@localhost' },
  );
  identities.set(repo.workTree, found);
  return found;
}

/** Per process: git config does not change under a running command. */
const identities = new Map<string, Promise<Record<string, string>>>();

/**
 * Blobs over `bytes` reachable from these commits (outputs commits have no
 * parents: this walks their trees, never a project's history). Objects that
 * are missing are not this question's business (push reports them): none then.
 */
export async function blobsOver(repo: Repo, commits: readonly string[], bytes: number): Promise<string[]> {
  if (commits.length === 0) return [];
  const { stdout, code } = await git(['rev-list', '--objects', '--no-object-names', `--filter=blob:limit=${bytes + 1}`, '--filter-print-omitted', '--stdin'], {
    cwd: repo.workTree,
    input: commits.join('\n') + '\n',
    okCodes: [128],
  });
  if (code !== 0) return [];
  return stdout.toString('utf8').split('\n').filter((l) => l.startsWith('~')).map((l) => l.slice(1));
}
