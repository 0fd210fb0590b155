import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { gitRaw, makeRepo, tempDir, type FileSpec } from './git.js';
import { tmt } from './tmt.js';

/**
 * Everything on disk under `dir` but `.git`, ignored files included: each
 * path (as bytes, shown as Latin-1) with its kind, permission bits and a hash
 * of its bytes, or its symlink's target. Two equal states are the same files,
 * byte for byte, with the same modes and the same directories.
 */
export function treeState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: Buffer) => {
    const abs = Buffer.concat([Buffer.from(dir + '/'), rel]);
    for (const e of fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' })) {
      const child = rel.length ? Buffer.concat([rel, Buffer.from('/'), e.name]) : e.name;
      if (!rel.length && e.name.toString() === '.git') continue;
      const file = Buffer.concat([Buffer.from(dir + '/'), child]);
      const st = fs.lstatSync(file);
      const key = child.toString('latin1');
      const mode = (st.mode & 0o7777).toString(8);
      if (e.isSymbolicLink()) out[key] = `symlink -> ${fs.readlinkSync(file, { encoding: 'buffer' }).toString('latin1')}`;
      else if (e.isDirectory()) {
        out[key] = `dir ${mode}`;
        walk(child);
      } else out[key] = `file ${mode} ${createHash('sha1').update(fs.readFileSync(file)).digest('hex')}`;
    }
  };
  walk(Buffer.alloc(0));
  return out;
}

/** `git status` as a machine reads it, ignored files and every untracked file listed. */
export function statusOf(dir: string): string {
  const r = gitRaw(dir, ['status', '--porcelain=v1', '--untracked-files=all', '--ignored']);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** What tmt must never change while it changes files: HEAD, the branch, and the index's entries. */
export function headAndIndex(dir: string): string {
  const head = gitRaw(dir, ['rev-parse', '-q', '--verify', 'HEAD']).stdout;
  const branch = gitRaw(dir, ['symbolic-ref', '-q', 'HEAD']).stdout;
  const index = gitRaw(dir, ['ls-files', '--stage', '-z']).stdout;
  return `${head}${branch}${index}`;
}

/** The refs a repository has under refs/tmt-saved/. */
export function savedRefs(dir: string): string[] {
  const out = gitRaw(dir, ['for-each-ref', '--format=%(refname)', 'refs/tmt-saved/']).stdout.trim();
  return out ? out.split('\n') : [];
}

export function writeRel(dir: string, rel: string, content: string | Buffer, mode?: number): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true, recursive: true });
  fs.writeFileSync(file, content);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

/** One `error:` line and one `hint:` line, nothing else. */
export const oneLineError = /^error: [^\n]+\nhint: [^\n]+\n$/;

/** Runs the CLI, expects exit 0, returns stdout. */
export function ok(dir: string, args: string[]): string {
  const r = tmt(dir, args);
  expect(r.code, `tmt ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/**
 * makeRepo, one level down in a temp dir of its own (`<tmp>/proj`), so that
 * what tmt puts beside the repository (`<tmp>/proj.tmt/`) is cleaned up too.
 */
export function nestedRepo(files: Record<string, FileSpec>, opts: { commit?: boolean } = {}): string {
  const dir = path.join(tempDir(), 'proj');
  fs.renameSync(makeRepo(files, opts), dir);
  return dir;
}
