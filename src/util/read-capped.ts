/**
 * Reading a file the user names without trusting it: regular files only, and
 * at most a cap, so that /dev/zero, a FIFO nobody writes to or a runaway file
 * can neither hang tmt nor exhaust its memory.
 */
import fs from 'node:fs';

/** The most tmt reads of a file the user names, in MiB (README: Limits). */
export const USER_FILE_CAP_MIB = 16;
const CAP = USER_FILE_CAP_MIB * 1024 * 1024;
const CHUNK = 64 * 1024;

/** Why a file was not read; the message completes a sentence that starts with the file's name. */
export class UserFileError extends Error {
  override name = 'UserFileError';
}

/** The whole file; throws UserFileError for a file tmt will not read, and fs errors (ENOENT, EACCES) as they come. */
export function readUserFile(file: string): Buffer {
  // Without O_NONBLOCK, opening a FIFO waits for a writer, maybe forever.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UserFileError(`is ${kindOf(st)}, not a regular file`);
    const tooLarge = new UserFileError(`is larger than ${USER_FILE_CAP_MIB} MiB`);
    if (st.size > CAP) throw tooLarge;
    // Read to the end rather than to the size seen: the file may be growing.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > CAP) throw tooLarge;
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a pipe';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return st.isSocket() ? 'a socket' : 'a special file';
}
