/**
 * Writing a page: into a temporary file beside the target, then renamed over
 * it, so a reader (or a browser already showing the old page) never sees half
 * a page, and an interrupted write leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';

/** Writes `parts` to `file`; the directory must exist. Returns the absolute path. */
export function writePage(file: string, parts: readonly string[]): string {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new TmtError('BAD_ARGUMENT', `cannot write ${file}: ${stat ? `${dir} is not a directory` : `directory ${dir} does not exist`}`, {
      hint: stat ? 'give -o a path in a directory' : `create it first (mkdir -p '${dir}') or choose another -o path`,
    });
  }
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TmtError('BAD_ARGUMENT', `cannot write ${file}: it is a directory`, { hint: `give a file name, e.g. -o '${path.join(file, 'diff.html')}'` });
  }
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      for (const part of parts) fs.writeSync(fd, part);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}
