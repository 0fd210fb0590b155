/**
 * The patch between two trees, split per file. Inside a unified diff every
 * content line starts with ' ', '+', '-' or '\', so a line that starts with
 * "diff --git " is always a file header: splitting there is exact.
 */
import { git } from './exec.js';
import { MACHINE_DIFF_OPTIONS, parseRecords, type ChangedFile } from './diff-files.js';
import { treeArgs, type TreePair } from './diff.js';

const HEADER = Buffer.from('diff --git ');

/**
 * The changed files and the patch, from one git diff (renames are detected
 * once): `--raw --numstat -z` records, a NUL, then the patch as git writes it,
 * with fixed prefixes (a/, b/) whatever diff.noprefix or diff.mnemonicPrefix
 * say, and names in headers unquoted.
 */
export async function treeDiff(pair: TreePair): Promise<{ files: ChangedFile[]; patch: Buffer }> {
  const args = ['-c', 'core.quotePath=false', 'diff', '--raw', '--numstat', '-p', '-z', ...MACHINE_DIFF_OPTIONS, '--src-prefix=a/', '--dst-prefix=b/', ...treeArgs(pair)];
  const { stdout } = await git(args, { cwd: pair.cwd });
  const { files, end } = parseRecords(stdout);
  return { files, patch: stdout.subarray(stdout[end] === 0 ? end + 1 : end) };
}

/** Splits a patch at its file headers. */
export function splitPatch(patch: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let at = 0; at < patch.length; ) {
    if (patch.subarray(at, at + HEADER.length).equals(HEADER)) starts.push(at);
    const nl = patch.indexOf(10, at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return starts.map((s, k) => patch.subarray(s, starts[k + 1] ?? patch.length));
}

/**
 * Pairs patch pieces with the files they belong to. Git prints a type change
 * (a file becoming a symlink, say) as a deletion and an addition: two pieces
 * for one file. Returns undefined if the two listings do not line up.
 */
export function pairPatches(files: readonly ChangedFile[], pieces: readonly Buffer[]): Buffer[] | undefined {
  const out: Buffer[] = [];
  let k = 0;
  for (const f of files) {
    const n = f.status === 'T' && pieces[k + 1] && sameHeader(pieces[k]!, pieces[k + 1]!) ? 2 : 1;
    const own = pieces.slice(k, k + n);
    if (own.length < n) return undefined;
    out.push(n === 1 ? own[0]! : Buffer.concat(own));
    k += n;
  }
  return k === pieces.length ? out : undefined;
}

/** The two halves of a type change share their `diff --git a/P b/P` line. */
function sameHeader(a: Buffer, b: Buffer): boolean {
  const line = (p: Buffer) => p.subarray(0, p.indexOf(10) < 0 ? p.length : p.indexOf(10));
  return line(a).equals(line(b));
}
