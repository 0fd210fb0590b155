/**
 * Names from stored data, judged before anything is written. A run may come
 * from anyone who can push to a shared remote, and git's objects can be
 * crafted by hand (`git hash-object -t tree --literally`): a tree entry may be
 * called `..`, `a/../../x` or `/etc/x`, be a symbolic link pointing anywhere,
 * or a submodule. tmt records artifacts as regular files only, so the rule is
 * strict: regular files (executable or not) under names whose every
 * component is a plain name; anything else is left out, with the reason.
 */
import type { OutputFile } from './entries.js';

export interface LeftOut {
  name: string;
  reason: string;
}

/** Why a name cannot be written below a directory, or undefined when it can: every `/`-separated part must be a plain name. */
export function unsafeName(rel: Buffer): string | undefined {
  if (rel.length === 0) return 'an empty name';
  if (rel[0] === 0x2f) return 'an absolute path';
  for (const part of rel.toString('latin1').split('/')) {
    if (part === '') return 'an empty path component ("//" or a trailing "/")';
    if (part === '.' || part === '..') return `a "${part}" path component`;
    // .git (any case; Windows also drops trailing dots and spaces) would write into a repository's own files: hooks run code.
    if (/^\.git[. ]*$/i.test(part)) return 'a ".git" path component';
  }
  return undefined;
}

/** Why a tree entry is not a file tmt writes, or undefined for a regular file. */
export function notAFile(f: Pick<OutputFile, 'mode' | 'type'>): string | undefined {
  if (f.mode === '120000') return 'a symbolic link (tmt writes regular files only, and never a link that could point outside)';
  if (f.type !== 'blob') return `a ${f.type === 'commit' ? 'submodule commit' : f.type}, not a file`;
  return undefined;
}

/**
 * The files that can be written under one directory, and the rest with the
 * reason each is left out: unsafe names, links and submodules, and a second
 * entry that would land where another one did (a crafted tree can hold a name
 * twice, or `a` both as a file and as a directory). The first one wins.
 */
export function planFiles(files: readonly OutputFile[]): { files: OutputFile[]; leftOut: LeftOut[] } {
  const kept: OutputFile[] = [];
  const leftOut: LeftOut[] = [];
  const fileAt = new Set<string>();
  const dirAt = new Set<string>();
  for (const f of files) {
    const key = f.rel.toString('latin1');
    const parents = key.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    const reason =
      notAFile(f) ??
      unsafeName(f.rel) ??
      (fileAt.has(key) || dirAt.has(key) || parents.some((p) => fileAt.has(p)) ? 'another entry of the run has the same name, as a file or a directory' : undefined);
    if (reason) {
      leftOut.push({ name: f.name, reason });
      continue;
    }
    kept.push(f);
    fileAt.add(key);
    for (const p of parents) dirAt.add(p);
  }
  return { files: kept, leftOut };
}
