/**
 * Writing a page: into a temporary file beside the target, then renamed over
 * it, so a reader (or a browser already showing the old page) never sees half
 * a page, and an interrupted write leaves nothing behind. A symlink is
 * written through, never replaced; a FIFO, a device or a stream reached by
 * an fd link (`-o /dev/stdout`, `/dev/null`) is written into, since renaming
 * over it would replace the device node or link itself.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../errors.js';

export interface WrittenPage {
  /** The absolute path written (a symlink's target, resolved). */
  path: string;
  /** The page went into a FIFO or a device, not a file one could open later. */
  special: boolean;
}

/** Writes `parts` to `file`; the directory must exist. */
export function writePage(file: string, parts: readonly string[]): WrittenPage {
  const given = path.resolve(file);
  const stat = fs.statSync(given, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    throw new TmtError('BAD_ARGUMENT', `cannot write ${file}: it is a directory`, { hint: `give a file name, e.g. -o '${path.join(file, 'diff.html')}'` });
  }
  const hops = linkChain(given);
  if (stat && (!stat.isFile() || hops.some(isFdLink))) {
    // Opened through the name as given (/dev/stdout's link to a pipe has no path of its own), appending:
    // `-o /dev/stdout >> log` adds to the log, as a shell would.
    writeAll(openSpecial(given, file), parts);
    return { path: given, special: true };
  }
  const target = stat ? fs.realpathSync(given) : inRealDir(hops[hops.length - 1]!);
  const dir = path.dirname(target);
  const dirStat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!dirStat?.isDirectory()) {
    throw new TmtError('BAD_ARGUMENT', `cannot write ${file}: ${dirStat ? `${dir} is not a directory` : `directory ${dir} does not exist`}`, {
      hint: dirStat ? 'give -o a path in a directory' : `create it first (mkdir -p '${dir}') or choose another -o path`,
    });
  }
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // A page written again keeps the mode its file had.
    writeAll(fs.openSync(tmp, 'wx', 0o644), parts, stat && stat.mode & 0o7777);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: target, special: false };
}

/** Writes every part (a pipe may take a part in pieces) and closes `fd`. */
function writeAll(fd: number, parts: readonly string[], mode?: number): void {
  try {
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    for (const part of parts) {
      const buf = Buffer.from(part, 'utf8');
      for (let at = 0; at < buf.length; ) at += fs.writeSync(fd, buf, at);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function openSpecial(given: string, file: string): number {
  try {
    return fs.openSync(given, 'a');
  } catch (err) {
    // A socket (what a parent process may give as stdout) cannot be opened by name again.
    if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
    throw new TmtError('BAD_ARGUMENT', `cannot write ${file}: it is a socket, which cannot be opened by name`, { hint: 'write the page to stdout with -o -', cause: err });
  }
}

/** `file`, then each symlink's target in turn, up to the first path that is not a symlink (or does not exist). */
function linkChain(file: string): string[] {
  const hops = [file];
  for (let at = file; hops.length <= 40 && fs.lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink(); ) {
    at = path.resolve(path.dirname(at), fs.readlinkSync(at));
    hops.push(at);
  }
  return hops;
}

/** A link to an open file descriptor (/dev/stdout -> /proc/self/fd/1): the file behind it is another process's stream. */
function isFdLink(hop: string): boolean {
  return /^\/(proc\/[^/]+|dev)\/fd\//.test(hop);
}

/** A path that does not exist yet, in its directory's real location. */
function inRealDir(file: string): string {
  const dir = path.dirname(file);
  return path.join(fs.existsSync(dir) ? fs.realpathSync(dir) : dir, path.basename(file));
}
