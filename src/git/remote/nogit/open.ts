/**
 * Sharing without git (loaded only when git is not on PATH): the repository
 * is found and read here, and remotes must be http(s), the one transport
 * isomorphic-git speaks.
 */
import { TmtError } from '../../../errors.js';
import { redactUrls } from '../redact.js';
import type { RemoteConfig, ResolvedRemote } from '../which-remote.js';
import type { LocalStore, Progress, Transport } from '../types.js';
import { httpTransport } from './http.js';
import { objectStore } from './objects.js';
import { findRepo, identity, readConfig, remoteConfig } from './repo.js';
import { noGitStore } from './store.js';

export async function openWithoutGit(cwd: string): Promise<{ store: LocalStore; config: RemoteConfig; connect(remote: ResolvedRemote, progress?: Progress): Transport }> {
  const [iso, http] = await Promise.all([import('isomorphic-git'), import('isomorphic-git/http/node')]);
  const repo = findRepo(cwd);
  const config = readConfig(repo);
  const objects = objectStore(iso, repo.commonDir);
  return {
    store: noGitStore(iso, repo, objects, identity(config)),
    config: remoteConfig(config, repo.gitDir),
    connect(remote, progress) {
      if (!/^https?:\/\//i.test(remote.url)) {
        throw new TmtError('GIT_MISSING', `git is not installed, and without it tmt reaches only http(s) remotes (${remote.label} is ${redactUrls(remote.url)})`, {
          hint: 'install git 2.30 or newer, or use the remote\'s https URL',
        });
      }
      return httpTransport(iso, http.default, repo, remote, objects, progress);
    },
  };
}
