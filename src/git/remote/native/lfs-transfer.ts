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
  await lfs(repo, ['push', '--object-id', '--stdin', lfsRemoteArg(remote.arg)], { label: remote.label, op: 'upload' }, oids.join('\n') + '\n', progress);
}

/** Downloads these objects from `remote` into the LFS store here. */
export async function downloadLfsObjects(repo: Repo, remote: { arg: string; label: string }, pointers: readonly LfsPointer[], progress?: Progress): Promise<void> {
  if (pointers.length === 0) return;
  const blobs = await Promise.all(pointers.map((p) => writeBlob(repo, formatPointer(p))));
  const input = blobs.map((b, i) => `100644 blob ${b}\t${i}\0`).join('');
  const tree = (await git(['mktree', '-z'], { cwd: repo.workTree, input })).stdout.toString('utf8').trim();
  // A user's include/exclude patterns must not filter out the names 0, 1, ... of this tree.
  const args = ['-c', 'lfs.fetchinclude=', '-c', 'lfs.fetchexclude=', 'lfs', 'fetch', lfsRemoteArg(remote.arg), tree];
  await lfs(repo, args, { label: remote.label, op: 'download' }, undefined, progress, true);
}

type Op = { label: string; op: 'upload' | 'download' };

async function lfs(repo: Repo, args: string[], op: Op, input: string | undefined, progress: Progress | undefined, raw = false): Promise<void> {
  const full = raw ? args : ['lfs', ...args];
  try {
    await git(full, { cwd: repo.workTree, input, onStderr: progress?.tty ? meterOnly(progress) : undefined });
  } catch (err) {
    if (err instanceof GitCommandError) throw lfsFailure(err.stderr, op);
    throw err;
  }
}

/** git-lfs's progress meters only ("Uploading LFS objects:  40% (2/5), 1.2 GB | 80 MB/s"); its other lines may hold a URL with a token. */
function meterOnly(progress: Progress): (chunk: Buffer) => void {
  return (chunk) => {
    const kept = chunk.toString('utf8').split(/(?<=[\r\n])/).filter((part) => /^(Uploading|Downloading) LFS objects:/.test(part.trimStart()));
    if (kept.length) progress.raw(Buffer.from(redactUrls(kept.join(''))));
  };
}

/** What git-lfs said, as one line a user can act on. */
export function lfsFailure(stderr: string, { label: remote, op }: Op): TmtError {
  // Redacted before it is cut: a cut through a URL could leave credentials that no longer look like one.
  const said =
    redactUrls(
      stderr
        .split('\n')
        .map((l) => l.replace(/^.*\r/, '').trim())
        .filter((l) => l && !/^(Uploading|Downloading|fetch: Fetching|Fetching reference)/.test(l))
        .join('; '),
    ).slice(0, 500) || 'no message';
  if (/is not a git command|git-lfs: not found/i.test(stderr)) return new TmtError('LFS_MISSING', 'git-lfs is not installed', { hint: LFS_INSTALL_HINT });
  if (/credentials for .* not found|Authentication required|\b401\b|\b403\b|Bad credentials/i.test(stderr)) {
    return new TmtError('AUTH_FAILED', `${remote}: git LFS authentication failed (${said})`, { hint: `check the credentials git uses for ${remote} (credential helper, or a token in the URL)` });
  }
  if (op === 'upload' && /\b404\b|Not Found/i.test(stderr)) {
    return new TmtError('REMOTE_UNREACHABLE', `${remote} has no git LFS store to upload to (${said})`, { hint: 'enable git LFS for the repository on its host, or set remote.<name>.lfsurl to one that has it; git lfs env shows the endpoint' });
  }
  if (/Object does not exist|remote missing object|\b404\b/i.test(stderr)) {
    return new TmtError('NOT_FOUND', `${remote} does not have the LFS object (${said})`, { hint: 'the run reached it without the object; a clone that has it sends it with tmt push REMOTE RUN (a run named is always checked)' });
  }
  if (/Unable to stat local media path|no such file or directory/i.test(stderr)) {
    return new TmtError('MISSING_OBJECTS', `an LFS object to send is missing here (${said})`, { hint: 'tmt get the run\'s artifacts from a remote that has them first, or push the other runs by name' });
  }
  if (/connection refused|dial tcp|no such host|timeout|unreachable|does not appear to be a git repository|missing protocol/i.test(stderr)) {
    return new TmtError('REMOTE_UNREACHABLE', `cannot reach the LFS store of ${remote} (${said})`, { hint: `check the remote's URL and the network; git lfs env shows the endpoint git-lfs uses` });
  }
  return new TmtError('REMOTE_UNREACHABLE', `git lfs failed with ${remote} (${said})`, { hint: 'git lfs env shows the endpoint it uses; does the host serve git LFS?' });
}
