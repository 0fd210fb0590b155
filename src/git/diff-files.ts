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

/** Options every machine-read diff shares, so the file list and the patch pair up one to one. */
export const MACHINE_DIFF_OPTIONS = ['-M', '--no-color', '--no-ext-diff', '--no-relative', '--submodule=short'];

export async function listChangedFiles(pair: TreePair): Promise<ChangedFile[]> {
  const { stdout } = await git(['diff', '--raw', '--numstat', '-z', ...MACHINE_DIFF_OPTIONS, ...treeArgs(pair)], { cwd: pair.cwd });
  return parseRawNumstat(stdout);
}

/** Parses the `--raw --numstat -z` output: all raw records first, then one numstat record per file. */
export function parseRawNumstat(buf: Buffer): ChangedFile[] {
  const tokens = splitNul(buf);
  const files: ChangedFile[] = [];
  let i = 0;
  while (i < tokens.length && tokens[i]![0] === 0x3a /* ':' */) {
    const [oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = tokens[i]!.toString('latin1').slice(1).split(' ');
    const status = code[0] as ChangeStatus;
    const two = status === 'R' || status === 'C';
    const first = decodeName(tokens[i + 1]!);
    const file: ChangedFile = { status, path: first, oldMode, newMode, oldOid, newOid, added: null, deleted: null };
    if (two) {
      file.oldPath = first;
      file.path = decodeName(tokens[i + 2]!);
      file.similarity = Number(code.slice(1));
    }
    files.push(file);
    i += two ? 3 : 2;
  }
  for (const file of files) {
    const fields = (tokens[i] ?? Buffer.alloc(0)).toString('latin1').split('\t');
    // A rename's or copy's numstat record has an empty path, then the old and new paths as two more tokens.
    i += file.oldPath !== undefined ? 3 : 1;
    file.added = fields[0] === '-' ? null : Number(fields[0]);
    file.deleted = fields[1] === '-' ? null : Number(fields[1]);
  }
  return files;
}

function splitNul(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nul = buf.indexOf(0, start); nul >= 0; nul = buf.indexOf(0, start)) {
    out.push(buf.subarray(start, nul));
    start = nul + 1;
  }
  return out;
}
