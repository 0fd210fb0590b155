/**
 * Reading the user's git configuration the way git reads it: pager and
 * colour decisions are asked of git itself (`git var`, `--get-colorbool`), so
 * tmt pages and colours exactly where `git diff` would.
 */
import { git } from './exec.js';
import type { Repo } from './repo.js';

/** Every `key value` whose key matches `pattern` (a regular expression, as `git config --get-regexp` takes). */
export async function configEntries(repo: Repo, pattern: string): Promise<Array<[key: string, value: string]>> {
  const { stdout } = await git(['config', '-z', '--get-regexp', pattern], { cwd: repo.workTree, okCodes: [1] });
  return stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const nl = rec.indexOf('\n');
      return nl < 0 ? [rec, 'true'] : [rec.slice(0, nl), rec.slice(nl + 1)];
    });
}

const FALSE = new Set(['false', 'no', 'off', '0']);
const TRUE = new Set(['true', 'yes', 'on', '1', '']);

/**
 * The pager `git diff` would use, or undefined for none: `pager.diff` (false
 * turns paging off; a command replaces the pager unless GIT_PAGER is set),
 * then GIT_PAGER, core.pager, PAGER, less; "cat" or "" mean none.
 */
export async function diffPager(repo: Repo): Promise<string | undefined> {
  const own = await git(['config', '--get', 'pager.diff'], { cwd: repo.workTree, okCodes: [1] });
  const setting = own.code === 0 ? own.stdout.toString('utf8').trim() : undefined;
  if (setting !== undefined && FALSE.has(setting.toLowerCase())) return undefined;
  let pager = setting !== undefined && !TRUE.has(setting.toLowerCase()) && !process.env.GIT_PAGER ? setting : undefined;
  // exec.ts pins GIT_PAGER=cat for tmt's own git calls; hand git the user's value back to ask it.
  pager ??= (await git(['var', 'GIT_PAGER'], { cwd: repo.workTree, env: { GIT_PAGER: process.env.GIT_PAGER } })).stdout.toString('utf8').trim();
  return pager === '' || pager === 'cat' ? undefined : pager;
}

/** Whether git would colour a diff here (color.diff, color.ui; color.pager when paging). */
export async function diffColor(repo: Repo, opts: { tty: boolean; paging: boolean }): Promise<boolean> {
  const bool = await git(['config', '--get-colorbool', 'color.diff', String(opts.tty)], { cwd: repo.workTree });
  if (bool.stdout.toString('utf8').trim() !== 'true') return false;
  if (!opts.paging) return true;
  const pager = await git(['config', '--type=bool', '--get', 'color.pager'], { cwd: repo.workTree, okCodes: [1] });
  return pager.code !== 0 || pager.stdout.toString('utf8').trim() === 'true';
}
