/**
 * Opens both sides for a sharing command: native git when it is installed,
 * else (HTTP remotes only) isomorphic-git, loaded only then.
 */
import { isTmtError, TmtError } from '../errors.js';
import { redactUrls } from '../git/remote/redact.js';
import { openRepo } from '../git/repo.js';
import { chooseRemote, currentBranch, isUrlLike, parseRemoteConfig, pushSide, rawRemoteConfig, type RemoteConfig, type ResolvedRemote } from '../git/remote/which-remote.js';
import { NOTES_REF, TRACKING_NOTES_PREFIX } from '../git/layout.js';
import { gitStore, readRefs } from '../git/remote/native/store.js';
import { gitTransport } from '../git/remote/native/transport.js';
import { gitOnPath } from '../git/which.js';
import { runsOnly } from './remote-runs.js';
import type { LocalStore, Progress, SyncContext } from './types.js';

export interface OpenOptions {
  cwd: string;
  /** A remote name, URL or path; default: the upstream remote, else origin. */
  remote?: string;
  /** The first of `tmt push [REMOTE] [RUN...]`: taken as the remote when it names one. */
  maybeRemote?: string;
  progress?: Progress;
  now?: () => number;
  /** 'push' for commands that change the remote: they talk to its push URL (see pushSide). */
  direction?: 'fetch' | 'push';
}

export interface OpenedSync extends SyncContext {
  /** Whether `maybeRemote` was taken as the remote. */
  tookRemote: boolean;
  /** The names of the configured remotes (for messages). */
  remotes: string[];
}

export async function openSync(opts: OpenOptions): Promise<OpenedSync> {
  const now = opts.now ?? Date.now;
  if (!gitOnPath()) {
    const { openWithoutGit } = await import('../git/remote/nogit/open.js');
    const { store, config, connect } = await openWithoutGit(opts.cwd);
    const { remote, tookRemote } = pick(config, opts);
    return { store, transport: runsOnly(connect(remote, opts.progress)), progress: opts.progress, now, tookRemote, remotes: [...config.remotes.keys()] };
  }
  // Three processes at once: a push's own cost is a few of these (bench:remote).
  // (openRepo's error, e.g. "not a git repository", is the one to report.)
  const settled = await Promise.allSettled([openRepo({ cwd: opts.cwd }), rawRemoteConfig(opts.cwd), readRefs(opts.cwd, [NOTES_REF, TRACKING_NOTES_PREFIX])] as const);
  const [repo, raw, notes] = settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  }) as [Awaited<ReturnType<typeof openRepo>>, string, Map<string, string>];
  const config = parseRemoteConfig(raw, currentBranch(repo.gitDir));
  const { remote, tookRemote } = pick(config, opts);
  return { store: gitStore(repo, notes), transport: runsOnly(gitTransport(repo, remote, opts.progress)), progress: opts.progress, now, tookRemote, remotes: [...config.remotes.keys()] };
}

/** The local side alone (tmt rm without a remote): through git, or without it. */
export async function openLocal(cwd: string): Promise<LocalStore> {
  if (!gitOnPath()) return (await (await import('../git/remote/nogit/open.js')).openWithoutGit(cwd)).store;
  return gitStore(await openRepo({ cwd }));
}

function pick(config: RemoteConfig, opts: OpenOptions): { remote: ResolvedRemote; tookRemote: boolean } {
  const side = opts.direction === 'push' ? pushSide : (r: ResolvedRemote) => r;
  const m = opts.maybeRemote;
  // (A first argument starting with '-' is refused as a remote: chooseRemote says why.)
  if (opts.remote === undefined && m !== undefined && (config.remotes.has(m) || isUrlLike(m, opts.cwd) || m.startsWith('-'))) {
    return { remote: side(chooseRemote(config, m, opts.cwd)), tookRemote: true };
  }
  try {
    return { remote: side(chooseRemote(config, opts.remote, opts.cwd)), tookRemote: false };
  } catch (err) {
    // `tmt push nosuch` with no default remote: the word was meant as a remote more likely than as a run.
    if (opts.remote === undefined && m !== undefined && isTmtError(err, 'UNKNOWN_REMOTE')) {
      throw new TmtError('UNKNOWN_REMOTE', `"${redactUrls(m)}" is not a remote, and this repository has no origin`, { hint: err.hint });
    }
    throw err;
  }
}
