/**
 * Moving LFS objects between this repository and a remote, through git-lfs's
 * own transfer: it speaks the batch API to every host that serves LFS, serves
 * file:// remotes itself, and takes credentials the way git does. tmt only
 * names the objects.
 *
 * Upload: `git lfs push --object-id --stdin`. Download: a throw-away tree of
 * the wanted pointers (named 0, 1, ...: no path is ever read as a pattern)
 * given to `git lfs fetch`, which fetches the pointers a tree holds.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TmtError } from '../../../errors.js';
import { git, GitCommandError } from '../../exec.js';
import { formatPointer, LFS_INSTALL_HINT, type LfsPointer } from '../../lfs.js';
import { writeBlob } from '../../objects.js';
import type { Repo } from '../../repo.js';
import { redactUrls } from '../redact.js';
import type { Progress } from '../types.js';

/**
 * What git-lfs is given for a remote: a configured name as it is (so its
 * `remote.<name>.lfsurl` applies), a URL as it is, and a local path as a
 * file:// URL (git-lfs 3.3 reads a bare path as a URL without a scheme and fails).
 */
export function lfsRemoteArg(arg: string): string {
  return path.isAbsolute(arg) ? pathToFileURL(arg).href : arg;
}

/** Uploads these objects (all of them here) to `remote`; objects the remote already has are skipped by git-lfs. */
export async function uploadLfsObjects(repo: Repo, remote: { arg: string; label: string }, oids: readonly string[], progress?: Progress): Promise<void> {
  if (oids.length === 0) return;
  await lfs(repo, ['push', '--object-id', '--stdin', lfsRemoteArg(remote.arg)], remote.label, oids.join('\n') + '\n', progress);
}

/**
 * Downloads these objects from `remote` into the LFS store here. A remote is
 * always named: `git lfs fetch` reads its first argument as the remote.
 */
export async function downloadLfsObjects(repo: Repo, remote: { arg: string; label: string }, pointers: readonly LfsPointer[], progress?: Progress): Promise<void> {
  if (pointers.length === 0) return;
  const blobs = await Promise.all(pointers.map((p) => writeBlob(repo, formatPointer(p))));
  const input = blobs.map((b, i) => `100644 blob ${b}\t${i}\0`).join('');
  const tree = (await git(['mktree', '-z'], { cwd: repo.workTree, input })).stdout.toString('utf8').trim();
  // A user's include/exclude patterns must not filter out the names 0, 1, ... of this tree.
  const args = ['-c', 'lfs.fetchinclude=', '-c', 'lfs.fetchexclude=', 'lfs', 'fetch', lfsRemoteArg(remote.arg), tree];
  await lfs(repo, args, remote.label, undefined, progress, true);
}

async function lfs(repo: Repo, args: string[], label: string, input: string | undefined, progress: Progress | undefined, raw = false): Promise<void> {
  const full = raw ? args : ['lfs', ...args];
  try {
    await git(full, { cwd: repo.workTree, input, onStderr: progress?.tty ? (chunk) => progress.raw(chunk) : undefined });
  } catch (err) {
    if (err instanceof GitCommandError) throw lfsFailure(err.stderr, label);
    throw err;
  }
}

/** What git-lfs said, as one line a user can act on. */
export function lfsFailure(stderr: string, remote: string): TmtError {
  const said = redactUrls(
    stderr
      .split('\n')
      .map((l) => l.replace(/^.*\r/, '').trim())
      .filter((l) => l && !/^(Uploading|Downloading|fetch: Fetching|Fetching reference)/.test(l))
      .join('; ')
      .slice(0, 500) || 'no message',
  );
  if (/is not a git command|git-lfs: not found/i.test(stderr)) return new TmtError('LFS_MISSING', 'git-lfs is not installed', { hint: LFS_INSTALL_HINT });
  if (/credentials for .* not found|Authentication required|\b401\b|\b403\b|Bad credentials/i.test(stderr)) {
    return new TmtError('AUTH_FAILED', `${remote}: git LFS authentication failed (${said})`, { hint: `check the credentials git uses for ${remote} (credential helper, or a token in the URL)` });
  }
  if (/Object does not exist|remote missing object|\b404\b/i.test(stderr)) {
    return new TmtError('NOT_FOUND', `${remote} does not have the LFS object (${said})`, { hint: 'the run was pushed without it, or from a clone whose objects never reached this remote; ask whoever recorded it to tmt push again' });
  }
  if (/Unable to stat local media path|no such file or directory/i.test(stderr)) {
    return new TmtError('MISSING_OBJECTS', `an LFS object to send is missing here (${said})`, { hint: 'tmt get the run\'s artifacts from a remote that has them first, or push the other runs by name' });
  }
  if (/connection refused|dial tcp|no such host|timeout|unreachable|does not appear to be a git repository|missing protocol/i.test(stderr)) {
    return new TmtError('REMOTE_UNREACHABLE', `cannot reach the LFS store of ${remote} (${said})`, { hint: `check the remote's URL and the network; git lfs env shows the endpoint git-lfs uses` });
  }
  return new TmtError('REMOTE_UNREACHABLE', `git lfs failed with ${remote} (${said})`, { hint: 'git lfs env shows the endpoint it uses; does the host serve git LFS?' });
}
