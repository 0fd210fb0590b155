/**
 * `tmt checkout`: a run's code in a directory of its own, as a linked git
 * worktree detached at the run commit (whose tree is the snapshot). git
 * writes it with the user's attributes and filters, and only touches
 * `<common-dir>/worktrees/`: the current working tree, its index and its
 * branch stay as they are.
 *
 * Where: by default beside the main working tree, in a folder named after it
 * (`~/proj` → `~/proj.tmt/<run name>-<id>`), so checkouts are easy to find,
 * sit on the same disk, are never inside the working tree (where the next
 * snapshot would pick them up) and never inside `.git` (where tools and
 * people do not look for code). Each is marked as tmt's (checkout-marks.ts),
 * so `--list` and `--remove` know them wherever they were put.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeRun } from '../note/id.js';
import { TmtError } from '../../errors.js';
import { markCheckout, markedCheckouts, worktreeHasChanges } from '../../git/checkout-marks.js';
import type { Repo } from '../../git/repo.js';
import { addDetachedWorktree, listWorktrees, removeWorktree } from '../../git/worktree.js';
import { resolveRun } from '../read/find-run.js';
import { runCode } from './code.js';

export interface CheckoutOptions {
  repo: Repo;
  /** A run selector. */
  run: string;
  /** Where to put it (must not exist, or be empty); relative to `cwd`. Default: beside the main working tree. */
  dir?: string;
  /** What a relative `dir` is relative to (default: the top of the working tree). */
  cwd?: string;
}

export interface CheckoutResult {
  /** Absolute path of the new worktree's top. */
  path: string;
  run: { id: string; name?: string };
  /** The commit it is detached at (the run commit). */
  commit: string;
  tree: string;
  /** The directory is inside the current working tree: git status there shows it, and snapshots take it as a nested repository. */
  insideWorkTree: boolean;
}

export async function checkoutRun(opts: CheckoutOptions): Promise<CheckoutResult> {
  const { repo } = opts;
  const { run, tree } = await runCode(repo, opts.run);
  const dir = opts.dir !== undefined ? path.resolve(opts.cwd ?? repo.workTree, opts.dir) : await defaultDir(repo, run.id, run.meta.name);
  const madeRoot = opts.dir === undefined ? fs.mkdirSync(path.dirname(dir), { recursive: true }) : undefined;
  try {
    await addDetachedWorktree(repo, dir, run.commit);
  } catch (err) {
    if (madeRoot && fs.readdirSync(madeRoot).length === 0) fs.rmdirSync(madeRoot); // the folder this call made, if still empty
    throw err;
  }
  markCheckout(dir, { run: run.id, commit: run.commit });
  return { path: dir, run: { id: run.id, name: run.meta.name }, commit: run.commit, tree, insideWorkTree: isInside(repo.workTree, dir) };
}

/** `<main worktree>.tmt/`: where checkouts go by default. */
async function defaultRoot(repo: Repo): Promise<string> {
  const main = (await listWorktrees(repo)).find((w) => !w.bare)?.path ?? repo.workTree;
  return path.join(path.dirname(main), `${path.basename(main)}.tmt`);
}

/** `<main worktree>.tmt/<name>-<id prefix>`, with `-2`, `-3`, ... if that is taken. */
async function defaultDir(repo: Repo, id: string, name: string | undefined): Promise<string> {
  const root = await defaultRoot(repo);
  // A name from a fetched run is anyone's text: only plain characters reach the file system.
  const safe = (name ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '').slice(0, 40);
  const base = `${safe ? `${safe}-` : ''}${id.slice(0, 12)}`;
  for (let n = 1; ; n++) {
    const dir = path.join(root, n === 1 ? base : `${base}-${n}`);
    if (!fs.existsSync(dir)) return dir;
  }
}

function isInside(top: string, dir: string): boolean {
  const rel = path.relative(top, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface CheckoutEntry {
  path: string;
  run: { id: string; name?: string };
  /** The commit it was made at. */
  commit: string;
  /** What it holds now: `changed` (edits or new files, which --remove keeps without --force), `clean`, or `missing` (its directory was deleted). */
  state: 'clean' | 'changed' | 'missing';
}

/** The worktrees `tmt checkout` made, in path order. */
export async function listCheckouts(opts: { repo: Repo }): Promise<CheckoutEntry[]> {
  const { repo } = opts;
  const names = new Map<string, string | undefined>();
  const out: CheckoutEntry[] = [];
  for (const { path: dir, mark } of markedCheckouts(repo).sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (!names.has(mark.run)) names.set(mark.run, await resolveRun(repo, mark.run).then((r) => r.meta?.name, () => undefined));
    const state = !fs.existsSync(dir) ? 'missing' : (await worktreeHasChanges(dir)) ? 'changed' : 'clean';
    out.push({ path: dir, run: { id: mark.run, name: names.get(mark.run) }, commit: mark.commit, state });
  }
  return out;
}

export interface RemoveCheckoutsOptions {
  repo: Repo;
  /** Checkout directories, or run selectors (every checkout of that run). */
  targets: readonly string[];
  /** What relative directories are relative to. */
  cwd: string;
  /** Remove checkouts with changes too (their changes are lost). */
  force?: boolean;
}

/**
 * Removes checkouts tmt made (their directories and git's records of them).
 * One with edits or new files is refused (WOULD_LOSE_WORK) unless `force`,
 * and then nothing is removed. Returns what was removed.
 */
export async function removeCheckouts(opts: RemoveCheckoutsOptions): Promise<CheckoutEntry[]> {
  const all = await listCheckouts({ repo: opts.repo });
  const chosen = new Map<string, CheckoutEntry>();
  for (const target of opts.targets) {
    for (const c of await matching(opts, all, target)) chosen.set(c.path, c);
  }
  for (const c of chosen.values()) {
    if (isInside(c.path, opts.repo.workTree)) {
      throw new TmtError('BAD_ARGUMENT', `${c.path} is the working tree this command runs in`, { hint: 'run tmt checkout --remove from another directory, e.g. the main working tree' });
    }
  }
  const changed = [...chosen.values()].filter((c) => c.state === 'changed');
  if (changed.length > 0 && !opts.force) {
    const where = changed.map((c) => c.path);
    throw new TmtError('WOULD_LOSE_WORK', `${where.join(', ')} ${where.length === 1 ? 'has' : 'have'} changes or new files; nothing was removed`, {
      hint: `look at them with git -C '${where[0]}' status; --force removes them, changes and all`,
      data: { paths: where },
    });
  }
  const removed: CheckoutEntry[] = [];
  const root = await defaultRoot(opts.repo);
  for (const c of chosen.values()) {
    await removeWorktree(opts.repo, c.path, { force: opts.force });
    removed.push(c);
    // The folder default checkouts go in, once it holds none.
    if (path.dirname(c.path) === root && fs.existsSync(root) && fs.readdirSync(root).length === 0) fs.rmdirSync(root);
  }
  return removed;
}

async function matching(opts: RemoveCheckoutsOptions, all: readonly CheckoutEntry[], target: string): Promise<CheckoutEntry[]> {
  const abs = path.resolve(opts.cwd, target);
  const real = fs.existsSync(abs) ? fs.realpathSync(abs) : abs;
  const byPath = all.filter((c) => c.path === abs || c.path === real);
  if (byPath.length > 0) return byPath;
  if (fs.existsSync(abs)) {
    throw new TmtError('NOT_FOUND', `${abs} is not a checkout tmt made`, { hint: 'tmt checkout --list shows them; git worktree remove removes any worktree' });
  }
  const run = await resolveRun(opts.repo, target).catch(() => undefined);
  const byRun = run ? all.filter((c) => c.run.id === run.id) : [];
  if (byRun.length === 0) {
    throw new TmtError('NOT_FOUND', run ? `run ${describeRun(run)} has no checkout` : `no checkout at ${abs}, and no run "${target}"`, { hint: 'tmt checkout --list shows the checkouts tmt made' });
  }
  return byRun;
}
