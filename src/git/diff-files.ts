/**
 * The files two trees differ in, with git's rename detection and line counts:
 * `git diff --raw --numstat -z -M` parsed. `-z` keeps path names byte-exact
 * (no C-quoting), so names with quotes, tabs or newlines come through as they are.
 */
import { git } from './exec.js';
import { treeArgs, type TreePair } from './diff.js';
import { decodeName } from './names.js';

/** A: added, D: deleted, M: modified, R: renamed, C: copied, T: type changed (file, symlink, submodule). */
export type ChangeStatus = 'A' | 'D' | 'M' | 'R' | 'C' | 'T' | 'U' | 'X';

export interface ChangedFile {
  status: ChangeStatus;
  /** The path in the new tree (the old path for deletions). */
  path: string;
  /** The path in the old tree, for renames and copies. */
  oldPath?: string;
  /** Rename or copy similarity, in percent. */
  similarity?: number;
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  /** Lines added and deleted; null for binary files. */
  added: number | null;
  deleted: number | null;
}

/** Options every machine-read diff shares, so the file list and the patch pair up one to one; whole object ids, which blobs are looked up by. */
export const MACHINE_DIFF_OPTIONS = ['-M', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-relative', '--submodule=short'];

export async function listChangedFiles(pair: TreePair): Promise<ChangedFile[]> {
  const { stdout } = await git(['diff', '--raw', '--numstat', '-z', ...MACHINE_DIFF_OPTIONS, ...treeArgs(pair)], { cwd: pair.cwd });
  return parseRawNumstat(stdout);
}

/** Parses the `--raw --numstat -z` output: all raw records first, then one numstat record per file. */
export function parseRawNumstat(buf: Buffer): ChangedFile[] {
  return parseRecords(buf).files;
}

/**
 * Parses the records, reading tokens one at a time; `end` is the offset just
 * past the last numstat record (a patch asked for in the same call follows it).
 */
export function parseRecords(buf: Buffer): { files: ChangedFile[]; end: number } {
  let at = 0;
  const next = (): Buffer => {
    const nul = buf.indexOf(0, at);
    const token = buf.subarray(at, nul < 0 ? buf.length : nul);
    at = nul < 0 ? buf.length : nul + 1;
    return token;
  };
  const files: ChangedFile[] = [];
  while (at < buf.length && buf[at] === 0x3a /* ':' */) {
    const [oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = next().toString('latin1').slice(1).split(' ');
    const status = code[0] as ChangeStatus;
    const first = decodeName(next());
    const file: ChangedFile = { status, path: first, oldMode, newMode, oldOid, newOid, added: null, deleted: null };
    if (status === 'R' || status === 'C') {
      file.oldPath = first;
      file.path = decodeName(next());
      file.similarity = Number(code.slice(1));
    }
    files.push(file);
  }
  for (const file of files) {
    const fields = next().toString('latin1').split('\t');
    // A rename's or copy's numstat record has an empty path, then the old and new paths as two more tokens.
    if (file.oldPath !== undefined) next(), next();
    file.added = fields[0] === '-' ? null : Number(fields[0]);
    file.deleted = fields[1] === '-' ? null : Number(fields[1]);
  }
  return { files, end: at };
}
