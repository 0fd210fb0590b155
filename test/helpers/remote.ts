import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { testEnv } from './env.js';
import { startGitHttp, type GitHttpServer } from './http-git.js';
import { fsck, git, gitRaw, makeRepo, tempDir } from './git.js';
import { tmtAsync } from './tmt.js';

/** A bare repository `<root>/<name>` that also accepts pushes over HTTP. */
export function bareRepo(root = tempDir('tmt-remote-'), name = 'remote.git'): string {
  const dir = path.join(root, name);
  git(root, 'init', '-q', '--bare', '-b', 'main', name);
  git(dir, 'config', 'http.receivepack', 'true');
  return dir;
}

/** A working repository with a first commit, `origin` set to `url`, and its main branch pushed there. */
export function projectWithRemote(url: string, files: Record<string, string> = { 'train.py': 'print("train")\n' }): string {
  const dir = makeRepo(files);
  git(dir, 'remote', 'add', 'origin', url);
  git(dir, 'push', '-q', 'origin', 'main');
  return dir;
}

/** `git clone` of `url` (the user's code) into a new temp dir. */
export function cloneOf(url: string): string {
  const dir = path.join(tempDir('tmt-clone-'), 'work');
  git(path.dirname(dir), 'clone', '-q', url, 'work');
  return dir;
}

/** Runs `tmt save` and returns the new run id (asynchronously: a test worker must keep answering its runner). */
export async function save(dir: string, ...args: string[]): Promise<string> {
  const r = await tmtAsync(dir, ['save', ...args]);
  if (r.code !== 0) throw new Error(`tmt save failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** run id → commit, as git sees them. */
export function runRefs(dir: string): Map<string, string> {
  const out = git(dir, 'for-each-ref', '--format=%(refname:lstrip=3) %(objectname)', 'refs/tmt/runs/');
  return new Map(out ? out.split('\n').map((l) => l.split(' ') as [string, string]) : []);
}

/** annotated object → note blob, as `git notes` sees them. */
export function notesOf(dir: string): Map<string, string> {
  const r = gitRaw(dir, ['notes', '--ref=tmt', 'list']);
  const out = r.stdout.trim();
  return new Map(out ? out.split('\n').map((l) => l.split(' ').reverse() as [string, string]) : []);
}

/** Every ref in a repository (to prove nothing else was pushed or touched). */
export function allRefs(dir: string): string[] {
  const out = git(dir, 'for-each-ref', '--format=%(refname) %(objectname)');
  return out ? out.split('\n') : [];
}

/** Exactly `n` runs and `n` notes, each note naming its run, and `git fsck --strict` clean. */
export function expectRunsWithNotes(dir: string, n: number): void {
  const refs = runRefs(dir);
  const notes = notesOf(dir);
  expect(refs.size).toBe(n);
  expect(notes.size).toBe(n);
  const texts = readBlobs(dir, [...notes.values()]);
  for (const [id, commit] of refs) {
    expect(notes.has(commit), `run ${id} has a note`).toBe(true);
    expect(texts.get(notes.get(commit)!)).toMatch(new RegExp(`^id: ${id}$`, 'm'));
  }
  fsck(dir);
}

/** Blob texts through one `git cat-file --batch` (a `git notes show` per note would be n processes). */
function readBlobs(dir: string, blobs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const buf = execFileSync('git', ['cat-file', '--batch'], { cwd: dir, env: testEnv, input: blobs.join('\n') + '\n', maxBuffer: 1 << 28 });
  let off = 0;
  for (const blob of blobs) {
    const nl = buf.indexOf(10, off);
    const size = Number(buf.toString('latin1', off, nl).split(' ')[2]);
    out.set(blob, buf.toString('utf8', nl + 1, nl + 1 + size));
    off = nl + 1 + size + 1;
  }
  return out;
}

/** The git config file's text (tmt must not write it unless asked). */
export function configText(dir: string): string {
  return fs.readFileSync(path.join(git(dir, 'rev-parse', '--git-common-dir').replace(/^(?!\/)/, dir + '/'), 'config'), 'utf8');
}

/**
 * A git http-backend server for one test file (started before its tests,
 * stopped after), and fresh bare remotes under it, reached by path or by HTTP.
 */
export function remoteHost(auth?: { user: string; password: string }) {
  const root = tempDir('tmt-http-root-');
  let server: GitHttpServer | undefined;
  beforeAll(async () => {
    server = await startGitHttp(root, auth);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    root,
    get server(): GitHttpServer {
      return server!;
    },
    newRemote(kind: 'path' | 'http'): { bare: string; url: string } {
      const name = `r${Math.random().toString(36).slice(2, 10)}.git`;
      const bare = bareRepo(root, name);
      return { bare, url: kind === 'path' ? bare : server!.url(name) };
    },
  };
}
