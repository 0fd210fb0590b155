/**
 * Which remote a command talks to. A configured remote is passed to git by
 * name, so git applies the user's url, pushurl, insteadOf and credentials; a
 * URL or path is used as given. Without one: the current branch's upstream
 * remote, else `origin`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../../errors.js';
import { git } from '../exec.js';
import type { Repo } from '../repo.js';

export interface RemoteConfig {
  /** remote name → url (pushurl when there is no url) */
  remotes: Map<string, string>;
  /** branch.<current branch>.remote, if set */
  upstream?: string;
}

export interface ResolvedRemote {
  /** What git is given: the remote's name, or the URL. */
  arg: string;
  /** The URL (from the config for a named remote). */
  url: string;
  /** Names tmt's tracking refs for this remote (see layout.ts). */
  key: string;
}

/** Resolves `given` (or the default) against the config; `cwd` resolves relative paths. */
export function chooseRemote(config: RemoteConfig, given: string | undefined, cwd: string): ResolvedRemote {
  if (given === undefined) {
    const name = config.upstream && config.remotes.has(config.upstream) ? config.upstream : 'origin';
    if (!config.remotes.has(name)) {
      throw new TmtError('UNKNOWN_REMOTE', 'no remote given, and this repository has no origin', {
        hint: config.remotes.size ? `name one: ${[...config.remotes.keys()].join(', ')}` : 'add one with git remote add origin <url>, or give a URL or path',
      });
    }
    return named(name, config);
  }
  // git would read it as an option (--upload-pack=... runs a command).
  if (given.startsWith('-')) {
    throw new TmtError('UNKNOWN_REMOTE', `"${given}" cannot be a remote: it starts with "-"`, {
      hint: `a remote is a configured name, a URL or a path (a path starting with "-" can be written ./${given})`,
    });
  }
  if (config.remotes.has(given)) return named(given, config);
  if (isUrlLike(given, cwd)) {
    const url = /^(\/|\.\.?\/|~\/)/.test(given) || fs.existsSync(path.resolve(cwd, given)) ? path.resolve(cwd, given.replace(/^~(?=\/)/, process.env.HOME ?? '~')) : given;
    return { arg: url, url, key: `url-${fnv1a(url)}` };
  }
  throw new TmtError('UNKNOWN_REMOTE', `unknown remote "${given}"`, {
    hint: config.remotes.size ? `configured remotes: ${[...config.remotes.keys()].join(', ')}` : `add it with git remote add ${given} <url>, or give a URL or path`,
  });
}

/** Whether `arg` names a place rather than a remote: a URL, user@host:path, or an existing path. */
export function isUrlLike(arg: string, cwd: string): boolean {
  if (arg.startsWith('-')) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return true;
  if (/^([^@/:\s]+@)?[^/:\s]+:[^/]/.test(arg) && !/^[a-z]:[\\/]/i.test(arg)) return true;
  if (/^(\/|\.\.?\/|~\/)/.test(arg)) return true;
  return fs.existsSync(path.resolve(cwd, arg));
}

/** Parses `git config -z --get-regexp` output (key\nvalue\0 records). */
export function parseRemoteConfig(raw: string, currentBranch: string | undefined): RemoteConfig {
  const remotes = new Map<string, string>();
  const pushOnly = new Map<string, string>();
  let upstream: string | undefined;
  for (const rec of raw.split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl < 0) continue;
    const key = rec.slice(0, nl);
    const value = rec.slice(nl + 1);
    const m = /^remote\.(.+)\.(url|pushurl)$/i.exec(key);
    if (m) (m[2]!.toLowerCase() === 'url' ? remotes : pushOnly).set(m[1]!, value);
    else if (currentBranch && key === `branch.${currentBranch}.remote`) upstream = value;
  }
  for (const [name, url] of pushOnly) if (!remotes.has(name)) remotes.set(name, url);
  return { remotes, upstream };
}

function named(name: string, config: RemoteConfig): ResolvedRemote {
  const key = name.replace(/[^A-Za-z0-9._-]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  return { arg: name, url: config.remotes.get(name)!, key };
}

/** The remotes in the repository's git config, and the current branch's upstream remote. */
export async function readRemoteConfig(repo: Repo): Promise<RemoteConfig> {
  return parseRemoteConfig(await rawRemoteConfig(repo.workTree), currentBranch(repo.gitDir));
}

/** The config lines parseRemoteConfig reads (git finds the repository from `cwd`). */
export async function rawRemoteConfig(cwd: string): Promise<string> {
  const pattern = '^(remote\\..*\\.(url|pushurl)|branch\\..*\\.remote)$';
  return (await git(['config', '-z', '--get-regexp', pattern], { cwd, okCodes: [1] })).stdout.toString('utf8');
}

/** The checked-out branch, read from HEAD (undefined when detached). */
export function currentBranch(gitDir: string): string | undefined {
  try {
    return /^ref: refs\/heads\/(.+)$/m.exec(fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** A 64-bit FNV-1a hash in hex: a stable short name for a URL (no crypto module to load on every push). */
function fnv1a(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}
