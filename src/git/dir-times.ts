/**
 * Directory mtimes, to tell cheaply whether any file can have appeared since
 * the last snapshot: creating, renaming or deleting a file changes its
 * directory's mtime, editing one does not. When no directory the index knows
 * has moved, tmt skips listing untracked files before the add (a second walk
 * of the tree). This only decides whether to look for new large or
 * .tmtignore'd files early; it never decides what goes into a tree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IndexCursor } from './index-file.js';

export type DirTimes = Record<string, number>;

export interface DirCheck {
  /** True when a directory changed, appeared or vanished, or nothing was recorded. */
  changed: boolean;
  /** Times to record once the snapshot is written. */
  times: DirTimes;
}

/** undefined when the index cannot be walked cheaply (v4); callers then assume a change. */
export function checkDirs(workTree: string, index: Buffer | undefined, previous: DirTimes | undefined): DirCheck | undefined {
  const dirs = index ? directoriesOf(index) : new Set<string>(['']);
  if (!dirs) return undefined;
  const times: DirTimes = {};
  let changed = previous === undefined || Object.keys(previous).length !== dirs.size;
  for (const dir of dirs) {
    let mtime: number;
    try {
      mtime = fs.lstatSync(path.join(workTree, dir)).mtimeMs;
    } catch {
      changed = true;
      continue;
    }
    times[dir] = mtime;
    if (previous?.[dir] !== mtime) changed = true;
  }
  return { changed, times };
}

/** Every directory holding an index entry, with its ancestors ('' is the top). */
function directoriesOf(index: Buffer): Set<string> | undefined {
  const c = IndexCursor.open(index);
  if (!c) return undefined;
  const dirs = new Set<string>(['']);
  let lastStart = 0;
  let lastLen = -1;
  while (c.next()) {
    const slash = c.buf.lastIndexOf(0x2f, c.pathEnd - 1);
    const len = slash < c.pathStart ? 0 : slash - c.pathStart;
    // Sorted entries share directories with their neighbours: skip the string work then.
    if (len === lastLen && c.buf.compare(c.buf, lastStart, lastStart + len, c.pathStart, c.pathStart + len) === 0) continue;
    lastStart = c.pathStart;
    lastLen = len;
    for (let d = c.buf.toString('utf8', c.pathStart, c.pathStart + len); d && !dirs.has(d); ) {
      dirs.add(d);
      const up = d.lastIndexOf('/');
      d = up < 0 ? '' : d.slice(0, up);
    }
  }
  return dirs;
}

export function readDirTimes(file: string): DirTimes | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as DirTimes) : undefined;
  } catch {
    return undefined; // missing or torn: behave as if everything changed
  }
}

/** Atomic replace; a concurrent writer can only leave another valid record. */
export function writeDirTimes(file: string, times: DirTimes): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(times));
  fs.renameSync(tmp, file);
}
