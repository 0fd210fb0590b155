/**
 * What the stat cache knows about its own index (`<git-dir>/tmt/index`),
 * kept beside it in `<git-dir>/tmt/index.record`:
 *
 * - `key`: the config that decides how git hashes files (see hashingKey);
 * - `stamp`: the file-system time, in whole seconds, when the snapshot that
 *   wrote the cache started. Every stat the cache holds for an entry it hashed
 *   was taken after it. An entry whose mtime is not older than this second is
 *   "racily clean" (git's term): the file could have been rewritten within
 *   that same second, with the same size, after git looked at it. Such
 *   entries are never trusted.
 * - `index`: the cache index's trailing checksum, so a record is only ever
 *   read with the index it was written for (two snapshots may race to replace
 *   both; a mismatch just means no cache);
 * - per untracked path, the attributes git applied when it hashed the file
 *   (see attributes.ts), taken *before* the hash, so that an attribute change
 *   at any moment shows up as a difference later, never as a match.
 *
 * Format: a header line `tmt-stat-cache 1 <key> <stamp> <index>`, then
 * `path NUL attributes NUL` pairs (paths as bytes).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AttributeMap } from './attributes.js';

export interface CacheRecord {
  key: string;
  stampSec: number;
  /** Hex of the cache index's last 20 bytes. */
  index: string;
  attrs: AttributeMap;
}

const MAGIC = 'tmt-stat-cache 1';
const RECORD = 'index.record';

export function readRecord(dir: string): CacheRecord | undefined {
  let data: string;
  try {
    data = fs.readFileSync(path.join(dir, RECORD), 'latin1');
  } catch {
    return undefined; // none yet (or unreadable): no cache
  }
  const eol = data.indexOf('\n');
  const head = (eol < 0 ? data : data.slice(0, eol)).split(' ');
  if (eol < 0 || `${head[0]} ${head[1]}` !== MAGIC || head.length !== 5) return undefined;
  const stampSec = Number(head[3]);
  if (!Number.isSafeInteger(stampSec) || !/^[0-9a-f]{40}$/.test(head[4]!)) return undefined;
  const attrs: AttributeMap = new Map();
  const parts = data.slice(eol + 1).split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) attrs.set(parts[i]!, parts[i + 1]!);
  return { key: head[2]!, stampSec, index: head[4]!, attrs };
}

/** Written before the index it describes is renamed into place (see commitScratchIndex). */
export function writeRecord(dir: string, record: CacheRecord): void {
  // One native join: a cache of 50,000 paths is rewritten on every snapshot, by a process whose code is cold.
  const parts: string[] = new Array<string>(record.attrs.size * 2);
  let k = 0;
  for (const [p, a] of record.attrs) {
    parts[k++] = p;
    parts[k++] = a;
  }
  const buf = Buffer.from(`${MAGIC} ${record.key} ${record.stampSec} ${record.index}\n${parts.join('\0')}${k ? '\0' : ''}`, 'latin1');
  const tmp = path.join(dir, `${RECORD}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, buf);
    fs.renameSync(tmp, path.join(dir, RECORD));
  } catch (err) {
    fs.rmSync(tmp, { force: true }); // a full disk leaves no half-written record behind
    throw err;
  }
}

/** The trailing checksum of an index file, as hex. */
export function indexTrailer(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size < 32) return undefined;
    const buf = Buffer.alloc(20);
    fs.readSync(fd, buf, 0, 20, size - 20);
    return buf.toString('hex');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
