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
import { redactUrls } from './redact.js';
import type { Repo } from '../repo.js';

/** One configured remote, as far as sharing runs needs it. */
export interface RemoteEntry {
  /** remote.<name>.url (the first, as git fetches from the first; pushurl when there is none). */
  url: string;
  /** Where git pushes: the first remote.<name>.pushurl, else the url. */
  pushUrl: string;
  /** remote.<name>.receivepack and .proxy, which a push to the URL must be given explicitly. */
  receivePack?: string;
  proxy?: string;
}

export interface RemoteConfig {
  remotes: Map<string, RemoteEntry>;
  /** branch.<current branch>.remote, if set */
  upstream?: string;
}

export interface ResolvedRemote {
  /** What git's ls-remote and fetch are given: the remote's name, or the URL. */
  arg: string;
  /** The URL (from the config for a named remote). */
  url: string;
  /**
   * What git push is given: always a URL (the pushurl or url; git still applies
   * insteadOf and pushInsteadOf), never the name, so git applies none of the
   * user's refspecs for that remote and moves no local ref after a push.
   */
  pushUrl: string;
  /** Names tmt's tracking refs for this remote (see src/git/layout.ts). */
  key: string;
  /** The remote as messages show it. */
  label: string;
  receivePack?: string;
  proxy?: string;
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
    throw new TmtError('UNKNOWN_REMOTE', `"${redactUrls(given)}" cannot be a remote: it starts with "-"`, {
      hint: `a remote is a configured name, a URL or a path (a path starting with "-" can be written ./${redactUrls(given)})`,
    });
  }
  if (config.remotes.has(given)) return named(given, config);
  if (isUrlLike(given, cwd)) {
    const url = /^(\/|\.\.?\/|~\/)/.test(given) || fs.existsSync(path.resolve(cwd, given)) ? path.resolve(cwd, given.replace(/^~(?=\/)/, process.env.HOME ?? '~')) : given;
    return { arg: url, url, pushUrl: url, key: `url-${fnv1a(url)}`, label: redactUrls(url) };
  }
  throw new TmtError('UNKNOWN_REMOTE', `unknown remote "${redactUrls(given)}"`, {
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
  const values = new Map<string, Map<string, string>>();
  let upstream: string | undefined;
  for (const rec of raw.split('\0')) {
    const nl = rec.indexOf('\n');
    if (nl < 0) continue;
    const key = rec.slice(0, nl);
    const value = rec.slice(nl + 1);
    const m = /^remote\.(.+)\.(url|pushurl|receivepack|proxy)$/i.exec(key);
    if (m) {
      const keys = values.get(m[1]!) ?? new Map<string, string>();
      values.set(m[1]!, keys);
      // The first url and pushurl are the ones git uses; for the others the last wins.
      const field = m[2]!.toLowerCase();
      if (!keys.has(field) || field === 'receivepack' || field === 'proxy') keys.set(field, value);
    } else if (currentBranch && key === `branch.${currentBranch}.remote`) upstream = value;
  }
  return { remotes: remoteEntries(values), upstream };
}

/** Remote name → entry, from each remote's lower-cased keys; remotes with neither url nor pushurl are left out. */
export function remoteEntries(values: ReadonlyMap<string, ReadonlyMap<string, string>>): Map<string, RemoteEntry> {
  const remotes = new Map<string, RemoteEntry>();
  for (const [name, keys] of values) {
    const url = keys.get('url') ?? keys.get('pushurl');
    if (url === undefined) continue;
    remotes.set(name, { url, pushUrl: keys.get('pushurl') ?? url, receivePack: keys.get('receivepack'), proxy: keys.get('proxy') });
  }
  return remotes;
}

/** The name of a configured remote as tmt's tracking refs spell it (see src/git/layout.ts). */
export function remoteKey(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]|^\./g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

function named(name: string, config: RemoteConfig): ResolvedRemote {
  const key = remoteKey(name);
  const { url, pushUrl, receivePack, proxy } = config.remotes.get(name)!;
  return { arg: name, url, pushUrl, key, label: name, receivePack, proxy };
}

/**
 * The remote as a push (and the fetch-and-merge a push may need) talks to it.
 * Where the pushurl differs from the url, that is another place: a push then
 * lists, fetches and pushes there, with tracking refs of its own
 * (`<key>@push`; a name never makes '@', see src/git/layout.ts), so its lease is
 * always what tmt last saw at the push URL.
 */
export function pushSide(remote: ResolvedRemote): ResolvedRemote {
  if (remote.pushUrl === remote.url) return remote;
  return { ...remote, arg: remote.pushUrl, url: remote.pushUrl, key: `${remote.key}@push` };
}

/** The remotes in the repository's git config, and the current branch's upstream remote. */
export async function readRemoteConfig(repo: Repo): Promise<RemoteConfig> {
  return parseRemoteConfig(await rawRemoteConfig(repo.workTree), currentBranch(repo.gitDir));
}

/** The config lines parseRemoteConfig reads (git finds the repository from `cwd`). */
export async function rawRemoteConfig(cwd: string): Promise<string> {
  const pattern = '^(remote\\..*\\.(url|pushurl|receivepack|proxy)|branch\\..*\\.remote)$';
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
