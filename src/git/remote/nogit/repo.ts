/**
 * Finding the repository and reading its config where git is not installed:
 * just enough of git's rules for sharing runs over HTTP (a `.git` directory
 * or a `gitdir:` file up from the working directory, `commondir` for linked
 * worktrees, and the `[remote]`, `[branch]` and `[user]` sections of config).
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../../../errors.js';
import type { RemoteConfig } from '../which-remote.js';
import { currentBranch, remoteEntries } from '../which-remote.js';
import type { Repo } from '../../repo.js';

export function findRepo(cwd: string): Repo {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const stat = fs.statSync(dotGit, { throwIfNoEntry: false });
    if (stat) {
      const gitDir = stat.isDirectory() ? dotGit : path.resolve(dir, /^gitdir: (.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1]?.trim() ?? '.git');
      const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
      return { workTree: dir, gitDir, commonDir: common };
    }
    if (path.dirname(dir) === dir) {
      throw new TmtError('NOT_A_REPO', `not a git repository: ${cwd}`, { hint: 'run tmt inside a git working tree' });
    }
  }
}

type Sections = Map<string, Map<string, string[]>>;

/** `[section "sub"] key = value` → "section.sub" → key → values (keys lower-cased, as git does). */
export function parseConfig(text: string): Sections {
  const out: Sections = new Map();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]$/.exec(line);
    if (head) {
      const name = head[1]!.toLowerCase() + (head[2] !== undefined ? `.${head[2].replace(/\\(.)/g, '$1')}` : '');
      current = out.get(name) ?? new Map();
      out.set(name, current);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv || !current) continue;
    const value = (kv[2] ?? 'true').replace(/\s+[#;].*$/, '').replace(/^"(.*)"$/, '$1');
    const key = kv[1]!.toLowerCase();
    current.set(key, [...(current.get(key) ?? []), value]);
  }
  return out;
}

export function readConfig(repo: Repo): Sections {
  try {
    return parseConfig(fs.readFileSync(path.join(repo.commonDir, 'config'), 'utf8'));
  } catch {
    return new Map();
  }
}

export function remoteConfig(config: Sections, gitDir: string): RemoteConfig {
  const values = new Map<string, Map<string, string>>();
  for (const [name, keys] of config) {
    const m = /^remote\.(.+)$/.exec(name);
    if (!m) continue;
    // As git: the first url and pushurl count.
    values.set(m[1]!, new Map([...keys].flatMap(([k, v]) => (v.length ? [[k, k === 'url' || k === 'pushurl' ? v[0]! : v.at(-1)!] as [string, string]] : []))));
  }
  const branch = currentBranch(gitDir);
  return { remotes: remoteEntries(values), upstream: branch ? config.get(`branch.${branch}`)?.get('remote')?.at(-1) : undefined };
}

/** Who commits (notes merges): the environment, then the repository's [user], then tmt. */
export function identity(config: Sections): { name: string; email: string } {
  const user = config.get('user');
  return {
    name: process.env.GIT_COMMITTER_NAME ?? user?.get('name')?.at(-1) ?? 'tmt',
    email: process.env.GIT_COMMITTER_EMAIL ?? user?.get('email')?.at(-1) ?? 'tmt@localhost',
  };
}
