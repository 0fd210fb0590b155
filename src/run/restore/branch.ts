/**
 * `tmt branch RUN NAME`: a real git branch with a run's code. Its tip is a
 * new commit whose tree is the snapshot and whose parent is the run's base
 * commit (none for a run recorded before the first commit), so `git log`
 * shows where the run started and `git diff NAME~1 NAME` the uncommitted
 * changes it carried. The commit message names the run, its command and
 * params. An existing branch is never moved (WOULD_LOSE_WORK); the working
 * tree, the index and HEAD are not touched.
 */
import { describeRun } from '../note/id.js';
import { TmtError } from '../../errors.js';
import { createBranch, isValidBranchName } from '../../git/branches.js';
import { commitIdentityEnv, writeCommit } from '../../git/objects.js';
import type { Repo } from '../../git/repo.js';
import { hasCommit } from '../../git/worktree-state.js';
import { shellQuote } from '../../util/shell-quote.js';
import type { RunMeta } from '../note/metadata.js';
import { oneLine, runCode } from './code.js';

export interface BranchOptions {
  repo: Repo;
  /** A run selector. */
  run: string;
  /** The new branch's name (`exp/lr-0.1`, not `refs/heads/...`). */
  name: string;
  /** Seconds since the epoch for the commit's dates (default: now). */
  now?: () => number;
}

export interface BranchResult {
  branch: string;
  ref: string;
  commit: string;
  tree: string;
  /** The new commit's parent; undefined when the run had no base. */
  base?: string;
  run: { id: string; name?: string };
}

export async function branchFromRun(opts: BranchOptions): Promise<BranchResult> {
  const { repo, name } = opts;
  if (!(await isValidBranchName(repo, name))) {
    throw new TmtError('BAD_ARGUMENT', `"${name}" is not a valid branch name`, { hint: 'git check-ref-format --branch NAME says why; e.g. exp/lr-0.1' });
  }
  const { run, tree, base } = await runCode(repo, opts.run);
  if (base !== undefined && !(await hasCommit(repo, base))) {
    throw new TmtError('MISSING_OBJECTS', `run ${describeRun(run)}: its base commit ${base.slice(0, 12)} is not in this repository`, {
      hint: 'get it with tmt fetch (or git fetch the branch it was recorded on)',
      data: { run: run.id, object: base },
    });
  }
  const commit = await writeCommit(repo, {
    tree,
    parents: base ? [base] : [],
    message: commitMessage(run.id, run.meta),
    time: opts.now?.() ?? Date.now() / 1000,
    env: await commitIdentityEnv(repo),
  });
  const taken = await createBranch(repo, name, commit, `tmt branch: run ${run.id}`);
  if (taken) {
    throw new TmtError('WOULD_LOSE_WORK', taken.ref === `refs/heads/${name}` ? `branch ${name} already exists` : `branch ${name} cannot be created: ${taken.ref} exists`, {
      hint: 'choose another name; tmt branch never moves an existing branch',
      data: { ref: taken.ref },
    });
  }
  return { branch: name, ref: `refs/heads/${name}`, commit, tree, base, run: { id: run.id, name: run.meta.name } };
}

/**
 * `tmt run <id>: <name>`, then the command and the params. Text from a note
 * (anyone's, once fetched) is kept to one line per field with its control
 * characters spelled out, so `git log` on a terminal shows it as text.
 */
export function commitMessage(id: string, meta: RunMeta): string {
  const lines = [`tmt run ${id}${meta.name ? `: ${oneLine(meta.name)}` : ''}`, ''];
  if (meta.command?.argv.length) lines.push(`command: ${oneLine(meta.command.argv.map(shellQuote).join(' '))}`);
  const params = Object.entries(meta.params);
  if (params.length > 0) lines.push('params:', ...params.map(([k, v]) => `  ${oneLine(k)}: ${oneLine(JSON.stringify(v) ?? String(v))}`));
  lines.push(`recorded: ${meta.started}${meta.git.branch ? ` on branch ${oneLine(meta.git.branch)}` : ''}`, '', `tmt-run: ${id}`);
  return lines.join('\n') + '\n';
}
