/**
 * Refs without git, through git's lockfile protocol (isomorphic-git's own
 * writeRef has no lock and no old-value check): every ref of a transaction is
 * locked by creating `<ref>.lock` with O_CREAT|O_EXCL, then each old value is
 * compared (loose file first, then packed-refs), then the new values are
 * written into the lock files and renamed over the refs. Deleting a packed
 * ref rewrites packed-refs under packed-refs.lock the same way. Another
 * writer's lock means "locked"; a changed old value means "moved" (the same
 * answers tryUpdateRefs gives from `git update-ref --stdin`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { TmtError } from '../../../errors.js';
import { isSafeRefName } from '../../ref-name.js';
import type { RefConflict, RefUpdate } from '../../refs.js';

/**
 * The file of a loose ref, or undefined for a name that is not a safe ref
 * name or would resolve outside <common-dir>/refs/ (a ref name is a path here).
 */
export function refFile(commonDir: string, ref: string): string | undefined {
  const file = path.resolve(commonDir, ref);
  return isSafeRefName(ref) && file.startsWith(path.join(path.resolve(commonDir), 'refs') + path.sep) ? file : undefined;
}

function packed(commonDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = fs.readFileSync(path.join(commonDir, 'packed-refs'), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (/^[0-9a-f]{40} /.test(line)) out.set(line.slice(41), line.slice(0, 40));
  }
  return out;
}

function loose(commonDir: string, ref: string): string | undefined {
  const file = refFile(commonDir, ref);
  if (!file) return undefined;
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{40}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function readRef(commonDir: string, ref: string, packedRefs = packed(commonDir)): string | undefined {
  return loose(commonDir, ref) ?? packedRefs.get(ref);
}

/** Refs under `prefix` (ending in '/'), loose and packed, loose winning. */
export function listRefs(commonDir: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [ref, oid] of packed(commonDir)) if (ref.startsWith(prefix)) out.set(ref, oid);
  const walk = (dir: string, name: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${name}${e.name}/`);
      else if (!e.name.endsWith('.lock')) {
        const oid = loose(commonDir, name + e.name);
        if (oid) out.set(name + e.name, oid);
      }
    }
  };
  if (fs.existsSync(path.join(commonDir, prefix))) walk(path.join(commonDir, prefix), prefix);
  return out;
}

/** All updates or none (up to a crash between renames, as with git's loose refs). */
export function updateRefs(commonDir: string, updates: readonly RefUpdate[]): RefConflict | undefined {
  const held: string[] = [];
  const lock = (file: string, ref: string): RefConflict | undefined => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.closeSync(fs.openSync(`${file}.lock`, 'wx'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { kind: 'locked', ref, lockFile: `${file}.lock` };
      throw err;
    }
    held.push(`${file}.lock`);
    return undefined;
  };
  const files = updates.map((u) => {
    const file = refFile(commonDir, u.ref);
    if (!file) throw new TmtError('GIT_FAILED', `refusing to write the ref ${JSON.stringify(u.ref)}: not a valid ref name`, { hint: 'this is a bug, or a remote sent a hostile ref name; nothing was written' });
    return file;
  });
  try {
    for (const [i, u] of updates.entries()) {
      const conflict = lock(files[i]!, u.ref);
      if (conflict) return conflict;
    }
    const refs = packed(commonDir);
    const dropPacked = updates.filter((u) => u.newOid === null && refs.has(u.ref));
    if (dropPacked.length) {
      const conflict = lock(path.join(commonDir, 'packed-refs'), 'packed-refs');
      if (conflict) return conflict;
    }
    for (const u of updates) {
      if (u.oldOid !== undefined && (readRef(commonDir, u.ref, refs) ?? null) !== u.oldOid) return { kind: 'moved', ref: u.ref };
    }
    if (dropPacked.length) {
      const gone = new Set(dropPacked.map((u) => u.ref));
      const text = fs.readFileSync(path.join(commonDir, 'packed-refs'), 'utf8').split('\n');
      const kept = text.filter((line, i) => !(gone.has(line.slice(41)) || (line.startsWith('^') && gone.has(text[i - 1]?.slice(41) ?? ''))));
      commit(path.join(commonDir, 'packed-refs'), kept.join('\n'), held);
    }
    for (const [i, u] of updates.entries()) {
      const file = files[i]!;
      if (u.newOid === null) {
        fs.rmSync(file, { force: true });
        release(`${file}.lock`, held);
      } else commit(file, `${u.newOid}\n`, held);
    }
    return undefined;
  } finally {
    for (const f of held) fs.rmSync(f, { force: true });
  }
}

function commit(file: string, data: string, held: string[]): void {
  fs.writeFileSync(`${file}.lock`, data);
  fs.renameSync(`${file}.lock`, file);
  held.splice(held.indexOf(`${file}.lock`), 1);
}

function release(lockFile: string, held: string[]): void {
  fs.rmSync(lockFile, { force: true });
  held.splice(held.indexOf(lockFile), 1);
}
