/**
 * Objects without git. Reading goes through isomorphic-git (loose objects and
 * packs). Writing is done here: isomorphic-git writes a loose object straight
 * into place, so a process killed mid-write leaves a corrupt object, and it
 * compresses before checking whether the object exists. Here the object is
 * hashed first, skipped when present, and otherwise written to a temporary
 * file and renamed into place, as git does.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

type Iso = typeof import('isomorphic-git');

export interface ObjectStore {
  read(oid: string): Promise<{ type: string; data: Buffer } | undefined>;
  write(type: 'blob' | 'tree' | 'commit', data: Buffer): string;
}

export function objectStore(iso: Iso, commonDir: string): ObjectStore {
  const cache = {};
  return {
    async read(oid) {
      try {
        const o = await iso.readObject({ fs, gitdir: commonDir, oid, format: 'content', cache });
        return { type: o.type, data: Buffer.from(o.object as Uint8Array) };
      } catch (err) {
        if ((err as { code?: string }).code === 'NotFoundError') return undefined;
        throw err;
      }
    },
    write(type, data) {
      const full = Buffer.concat([Buffer.from(`${type} ${data.length}\0`), data]);
      const oid = createHash('sha1').update(full).digest('hex');
      const file = path.join(commonDir, 'objects', oid.slice(0, 2), oid.slice(2));
      if (fs.existsSync(file)) return oid;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = path.join(commonDir, 'objects', `tmp_obj_${process.pid}_${randomBytes(4).toString('hex')}`);
      fs.writeFileSync(tmp, deflateSync(full), { mode: 0o444 });
      fs.renameSync(tmp, file);
      return oid;
    },
  };
}

/** The parent ids and tree in a commit's text. */
export function commitHeader(data: Buffer): { tree: string; parents: string[] } {
  const text = data.toString('latin1');
  const head = text.slice(0, text.indexOf('\n\n'));
  return { tree: /^tree ([0-9a-f]{40})$/m.exec(head)?.[1] ?? '', parents: [...head.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]!) };
}

/** Entries of a tree object: mode, name, oid. */
export function parseTree(data: Buffer): Array<{ mode: string; name: string; oid: string }> {
  const out: Array<{ mode: string; name: string; oid: string }> = [];
  let off = 0;
  while (off < data.length) {
    const space = data.indexOf(0x20, off);
    const nul = data.indexOf(0, space);
    out.push({ mode: data.toString('latin1', off, space), name: data.toString('utf8', space + 1, nul), oid: data.toString('hex', nul + 1, nul + 21) });
    off = nul + 21;
  }
  return out;
}

/** A tree object from entries, sorted as git sorts them (a directory compares as "name/"). */
export function serializeTree(entries: ReadonlyArray<{ mode: string; name: string; oid: string }>): Buffer {
  const key = (e: { mode: string; name: string }) => (e.mode === '40000' ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')])));
}
