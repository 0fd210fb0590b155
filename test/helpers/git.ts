import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEnv } from './env.js';

export type FileSpec = string | Buffer | { content: string | Buffer; mode?: number } | { symlink: string };

const made: string[] = [];

/** A temp dir removed after the test file finishes (see `cleanupTemp`). */
export function tempDir(prefix = 'tmt-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the temp dirs; TMT_KEEP_TEMP=1 keeps them, to look at what a failing test left. */
export function cleanupTemp(): void {
  if (process.env.TMT_KEEP_TEMP) return;
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Runs git with the deterministic test environment; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: testEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).replace(/\n$/, '');
}

export function gitRaw(cwd: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, env: testEnv, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes files (content, mode, or symlink) under `dir`. */
export function writeFiles(dir: string, files: Record<string, FileSpec>): void {
  for (const [rel, spec] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.rmSync(file, { force: true });
    if (typeof spec === 'object' && 'symlink' in spec) fs.symlinkSync(spec.symlink, file);
    else if (typeof spec === 'string' || Buffer.isBuffer(spec)) fs.writeFileSync(file, spec);
    else {
      fs.writeFileSync(file, spec.content);
      if (spec.mode) fs.chmodSync(file, spec.mode);
    }
  }
}

/** `git init` a repo with the given files; `commit` adds and commits them all. */
export function makeRepo(files: Record<string, FileSpec> = {}, opts: { commit?: boolean } = {}): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, files);
  if (opts.commit ?? true) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
  }
  return dir;
}

/**
 * The oracle: `cp -p .git/index T; GIT_INDEX_FILE=T git add -A; GIT_INDEX_FILE=T git write-tree`.
 * The copy keeps the index's mtime, which decides what git re-checks as
 * racily clean; a plain copy would make every entry look fresh. `addFlags`
 * go to `git add` (`--sparse` for a sparse checkout).
 */
export function nativeTree(workTree: string, addFlags: string[] = []): string {
  const gitDir = git(workTree, 'rev-parse', '--absolute-git-dir');
  const scratch = path.join(tempDir('tmt-oracle-'), 'index');
  const real = path.join(gitDir, 'index');
  if (fs.existsSync(real)) {
    fs.copyFileSync(real, scratch);
    const st = fs.statSync(real);
    fs.utimesSync(scratch, st.atime, st.mtime);
  }
  const env = { ...testEnv, GIT_INDEX_FILE: scratch };
  execFileSync('git', ['-c', 'core.splitIndex=false', 'add', '-A', ...addFlags], { cwd: workTree, env });
  return execFileSync('git', ['-c', 'core.splitIndex=false', 'write-tree'], { cwd: workTree, env, encoding: 'utf8' }).trim();
}

/** `git fsck --strict`; throws with git's output when it finds anything. */
export function fsck(dir: string): void {
  const r = gitRaw(dir, ['fsck', '--strict', '--no-progress', '--no-dangling']);
  if (r.status !== 0 || r.stdout.trim() || /error|warning/i.test(r.stderr)) {
    throw new Error(`git fsck --strict failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}
