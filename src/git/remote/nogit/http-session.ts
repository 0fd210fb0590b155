/**
 * What isomorphic-git needs for one remote: the HTTP client, credentials,
 * progress, error translation, and a scratch git dir under <git-dir>/tmt/
 * whose `objects` links to the repository's own (objects land in the
 * repository; every ref isomorphic-git writes lands in the scratch dir and is
 * thrown away). The refs put into the scratch dir are the "haves" of a fetch
 * and the sources of a push.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { httpScratchDir } from '../../layout.js';
import type { Repo } from '../../repo.js';
import type { ResolvedRemote } from '../which-remote.js';
import type { Progress } from '../types.js';
import { isObjectId, isSafeRefName } from '../../ref-name.js';
import { redactError } from '../redact.js';
import { httpFailure } from './http-errors.js';
import type { ObjectStore } from './objects.js';

export type Iso = typeof import('isomorphic-git');
export type Http = typeof import('isomorphic-git/http/node').default;

export interface HttpSession {
  iso: Iso;
  http: Http;
  repo: Repo;
  remote: ResolvedRemote;
  objects: ObjectStore;
  /** onAuth / onAuthFailure for isomorphic-git. */
  auth: Record<string, unknown>;
  onProgress?: (e: { phase: string; loaded: number; total?: number }) => void;
  /** Runs an isomorphic-git call, turning its failures into tmt's one-line errors. */
  call<T>(what: () => Promise<T>): Promise<T>;
  withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T>;
  setRef(dir: string, ref: string, oid: string): void;
  has(oid: string): Promise<boolean>;
}

export function httpSession(iso: Iso, http: Http, repo: Repo, remote: ResolvedRemote, objects: ObjectStore, progress?: Progress): HttpSession {
  const user = process.env.TMT_HTTP_USER;
  const password = process.env.TMT_HTTP_PASSWORD;
  return {
    iso,
    http,
    repo,
    remote,
    objects,
    auth: { ...(user || password ? { onAuth: () => ({ username: user, password }) } : {}), onAuthFailure: () => ({ cancel: true }) },
    onProgress: progress?.tty ? (e) => progress.raw(Buffer.from(`\r${e.phase}: ${e.loaded}${e.total ? `/${e.total}` : ''}`)) : undefined,
    async call(what) {
      try {
        return await what();
      } catch (err) {
        throw httpFailure(err, remote.label) ?? redactError(err);
      }
    },
    async withScratch(fn) {
      const dir = httpScratchDir(repo, `${process.pid}-${randomBytes(4).toString('hex')}`);
      fs.mkdirSync(path.join(dir, 'refs'), { recursive: true });
      fs.symlinkSync(path.join(repo.commonDir, 'objects'), path.join(dir, 'objects'));
      fs.writeFileSync(path.join(dir, 'HEAD'), 'ref: refs/heads/main\n');
      fs.writeFileSync(path.join(dir, 'config'), `[core]\n\tbare = true\n[remote "tmt"]\n\turl = ${remote.url}\n\tfetch = +refs/*:refs/fetched/*\n`);
      try {
        return await fn(dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    setRef(dir, ref, oid) {
      if (!isSafeRefName(ref) || !isObjectId(oid)) throw new Error(`not a ref to write: ${JSON.stringify(ref)} ${oid}`);
      fs.mkdirSync(path.dirname(path.join(dir, ref)), { recursive: true });
      fs.writeFileSync(path.join(dir, ref), `${oid}\n`);
    },
    has: async (oid) => (await objects.read(oid)) !== undefined,
  };
}
