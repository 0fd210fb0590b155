/**
 * Reading many objects at once, as bytes: one `git cat-file --batch` (or
 * `--batch-check` for sizes alone) for any number of `<oid>` or
 * `<rev>:<path>` specs. Images and non-UTF-8 text must not go through a
 * string decoder, so nothing here decodes.
 */
import { git } from './exec.js';
import type { Repo } from './repo.js';

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/** Type and size of each spec; specs git does not have are left out. */
export async function objectInfo(repo: Repo, specs: readonly string[]): Promise<Map<string, ObjectInfo>> {
  const out = new Map<string, ObjectInfo>();
  if (specs.length === 0) return out;
  const { stdout } = await git(['cat-file', '--batch-check'], { cwd: repo.workTree, input: specs.join('\n') + '\n' });
  stdout
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const [oid = '', type = '', size] = line.split(' ');
      if (i < specs.length && size !== undefined && type !== 'missing') out.set(specs[i]!, { oid, type, size: Number(size) });
    });
  return out;
}

/** The bytes of each spec (a blob); missing ones are left out. */
export async function readObjects(repo: Repo, specs: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (specs.length === 0) return out;
  const { stdout: buf } = await git(['cat-file', '--batch'], { cwd: repo.workTree, input: specs.join('\n') + '\n' });
  let off = 0;
  for (const spec of specs) {
    const nl = buf.indexOf(10, off);
    if (nl < 0) break;
    const header = buf.toString('latin1', off, nl).split(' ');
    off = nl + 1;
    if (header.length < 3) continue; // "<spec> missing" or "<spec> ambiguous"
    const size = Number(header[2]);
    out.set(spec, buf.subarray(off, off + size));
    off += size + 1;
  }
  return out;
}
