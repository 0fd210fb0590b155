/**
 * What differs between two trees, entry by entry, as `git diff-tree -r -z
 * --no-renames` lists it: the plan for turning a working tree that holds one
 * into the other. Paths stay byte-exact ("raw": one Latin-1 character per
 * byte) because they go back to the file system and to git, and a name need
 * not be UTF-8.
 */
import { git } from './exec.js';
import type { Repo } from './repo.js';

/** A path as git's bytes, one Latin-1 character per byte. */
export type RawPath = string;

/** The kind of a tree entry, from its mode. */
export type EntryKind = 'file' | 'symlink' | 'gitlink';

export interface TreeSide {
  /** 100644, 100755, 120000 or 160000. */
  mode: string;
  oid: string;
  kind: EntryKind;
}

export interface TreeChange {
  path: RawPath;
  /** The entry in the first tree; undefined when the path is new. */
  from?: TreeSide;
  /** The entry in the second tree; undefined when the path is gone. */
  to?: TreeSide;
}

/** Every path whose entry differs between `from` and `to` (recursively; directories are implied by their files). */
export async function diffTrees(repo: Repo, from: string, to: string): Promise<TreeChange[]> {
  const { stdout } = await git(['diff-tree', '-r', '-z', '--no-renames', '--no-abbrev', '--end-of-options', from, to, '--'], { cwd: repo.workTree });
  const tokens = stdout.toString('latin1').split('\0');
  const out: TreeChange[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const [oldMode = '', newMode = '', oldOid = '', newOid = ''] = tokens[i]!.slice(1).split(' ');
    out.push({ path: tokens[i + 1]!, from: side(oldMode, oldOid), to: side(newMode, newOid) });
  }
  return out;
}

function side(mode: string, oid: string): TreeSide | undefined {
  return /^0+$/.test(mode) ? undefined : { mode, oid, kind: kindOf(mode) };
}

export function kindOf(mode: string): EntryKind {
  return mode === '120000' ? 'symlink' : mode === '160000' ? 'gitlink' : 'file';
}
