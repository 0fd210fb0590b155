/**
 * Notes under refs/notes/tmt. Writing goes through `git notes` itself, on a
 * private scratch notes ref seeded with the current notes commit, so the notes
 * tree fans out exactly as git fans it out. The scratch result is then swapped
 * into refs/notes/tmt with compare-and-swap, in the same transaction as the
 * run refs it describes, and retried if another writer got there first.
 * `git notes add` on its own would not do: it updates the ref with no old
 * value check, so concurrent writers lose notes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TmtError } from '../errors.js';
import { backoffMs, sleep } from './backoff.js';
import { git } from './exec.js';
import { NOTES_REF, NOTES_WORK_PREFIX } from './layout.js';
import { writeBlob } from './objects.js';
import { assertLockNotStale, listRefs, lockedError, resolveRef, tryUpdateRefs, type RefConflict, type RefUpdate } from './refs.js';
import type { Repo } from './repo.js';
import { pidAlive } from '../util/pid.js';

export interface NoteWrite {
  /** Object the note annotates. */
  object: string;
  /** Note text, stored byte for byte; null removes the note. */
  text: string | null;
}

export interface NotesTransaction {
  notes: readonly NoteWrite[];
  /** Ref updates that must land together with the notes (e.g. creating a run ref). */
  refs: readonly RefUpdate[];
  message: string;
  env?: Record<string, string>;
  /** How long to keep retrying when other writers hold the lock (default 30 s). */
  timeoutMs?: number;
}

/** Writes notes and ref updates atomically; retries while other writers win the race. */
export async function commitNotes(repo: Repo, tx: NotesTransaction): Promise<void> {
  const deadline = Date.now() + (tx.timeoutMs ?? 30_000);
  const blobs = await Promise.all(tx.notes.map((n) => (n.text === null ? null : writeBlob(repo, n.text))));
  for (let attempt = 0; ; attempt++) {
    const base = await resolveRef(repo, NOTES_REF);
    const work = NOTES_WORK_PREFIX + `${process.pid}-${randomBytes(6).toString('hex')}`;
    let result: RefConflict | undefined;
    let committed = false;
    try {
      const next = await buildNotesCommit(repo, work, base, tx.notes, blobs, tx.env);
      result = await tryUpdateRefs(
        repo,
        [...tx.refs, { ref: NOTES_REF, newOid: next, oldOid: base ?? null }, { ref: work, newOid: null }],
        tx.message,
      );
      committed = result === undefined;
      if (committed) await guardAgainstBlindWriters(repo, next, tx);
    } finally {
      // The transaction deletes the scratch ref itself; otherwise clean it up.
      if (!committed) await deleteRefQuietly(repo, work);
    }
    if (result === undefined) {
      await pruneAbandonedWorkRefs(repo);
      return;
    }
    if (result.kind === 'moved' && result.ref !== NOTES_REF) {
      throw new TmtError('CONCURRENT_UPDATE', `${result.ref} was changed by another process`, {
        hint: 'run the command again',
      });
    }
    if (result.kind === 'locked') assertLockNotStale(result);
    if (Date.now() > deadline) {
      if (result.kind === 'locked') throw lockedError(result);
      throw new TmtError('CONCURRENT_UPDATE', `gave up updating ${NOTES_REF}: other writers kept moving it`, {
        hint: 'run the command again',
      });
    }
    await sleep(backoffMs(attempt));
  }
}

/**
 * Native `git notes add` updates the ref without checking its old value, so a
 * git process that read the notes before our update and writes after it
 * silently drops our note. When the reflog shows such writers at work, wait
 * for any in flight to finish, and if our commit is no longer in the notes
 * history, write our notes again on top of theirs.
 */
async function guardAgainstBlindWriters(repo: Repo, ours: string, tx: NotesTransaction): Promise<void> {
  if (!(await foreignWritersActive(repo))) return;
  for (const delay of [60, 400]) {
    await sleep(delay);
    const { code } = await git(['merge-base', '--is-ancestor', ours, NOTES_REF], { cwd: repo.workTree, okCodes: [1] });
    if (code === 1) {
      await commitNotes(repo, { ...tx, refs: [] });
      return;
    }
  }
}

/** True when something other than tmt wrote refs/notes/tmt in the last 10 minutes. */
async function foreignWritersActive(repo: Repo): Promise<boolean> {
  let log: string;
  try {
    log = await readFile(path.join(repo.commonDir, 'logs', NOTES_REF), 'utf8');
  } catch {
    return false; // no reflog: nothing but tmt has written yet, or reflogs are off
  }
  const cutoff = Date.now() / 1000 - 600;
  return log
    .split('\n')
    .slice(-50)
    .some((line) => {
      const m = /> (\d+) [+-]\d{4}\t(.*)$/.exec(line);
      return !!m && Number(m[1]) >= cutoff && !m[2]!.startsWith('tmt:');
    });
}

async function buildNotesCommit(
  repo: Repo,
  work: string,
  base: string | undefined,
  notes: readonly NoteWrite[],
  blobs: readonly (string | null)[],
  env: Record<string, string> | undefined,
): Promise<string> {
  const run = { cwd: repo.workTree, env: { ...env, GIT_NOTES_REF: work } };
  if (base) await git(['update-ref', work, base, '0'.repeat(40)], run);
  const removals = notes.filter((n) => n.text === null).map((n) => n.object);
  if (removals.length) await git(['notes', 'remove', '--ignore-missing', ...removals], run);
  for (const [i, n] of notes.entries()) {
    const blob = blobs[i];
    // -C reuses the blob as is; -m/-F would run stripspace over the YAML.
    if (blob) await git(['notes', 'add', '-f', '-C', blob, n.object], run);
  }
  const oid = await resolveRef(repo, work);
  if (!oid) throw new Error(`notes scratch ref ${work} vanished`);
  return oid;
}

/**
 * Scratch refs of writers that died (kill -9) between creating and deleting
 * them. Their names start with the writer's pid; a pid that no longer runs on
 * this machine cannot come back for its ref. Scratch refs are never pushed.
 */
async function pruneAbandonedWorkRefs(repo: Repo): Promise<void> {
  // Scratch refs are created loose; without any on disk there is nothing to prune.
  const looseDir = path.join(repo.commonDir, NOTES_WORK_PREFIX);
  if (!fs.existsSync(looseDir) || fs.readdirSync(looseDir).length === 0) return;
  const refs = await listRefs(repo, NOTES_WORK_PREFIX);
  const dead = refs.filter(({ ref }) => {
    const pid = Number(ref.slice(NOTES_WORK_PREFIX.length).split('-')[0]);
    return Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid);
  });
  if (dead.length) await tryUpdateRefs(repo, dead.map((r) => ({ ref: r.ref, newOid: null, oldOid: r.oid })), 'tmt: prune scratch refs');
}


async function deleteRefQuietly(repo: Repo, ref: string): Promise<void> {
  await git(['update-ref', '-d', ref], { cwd: repo.workTree }).catch(() => undefined);
}

/** The note text on `object`, or undefined if it has none. Handles any fanout. */
export async function readNote(repo: Repo, object: string): Promise<string | undefined> {
  const { stdout, code } = await git(['notes', '--ref', NOTES_REF, 'show', object], { cwd: repo.workTree, okCodes: [1] });
  return code === 0 ? stdout.toString('utf8') : undefined;
}

/** Every note as object → text, read in two processes whatever the count. */
export async function readAllNotes(repo: Repo): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = await git(['notes', '--ref', NOTES_REF, 'list'], { cwd: repo.workTree, okCodes: [1] });
  const pairs = list.stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ blob: l.slice(0, 40), object: l.slice(41) }));
  if (pairs.length === 0) return out;
  const batch = await git(['cat-file', '--batch'], { cwd: repo.workTree, input: pairs.map((p) => p.blob).join('\n') + '\n' });
  const buf = batch.stdout;
  let off = 0;
  for (const p of pairs) {
    const nl = buf.indexOf(10, off);
    const header = buf.toString('utf8', off, nl).split(' ');
    const size = Number(header[2]);
    out.set(p.object, buf.toString('utf8', nl + 1, nl + 1 + size));
    off = nl + 1 + size + 1;
  }
  return out;
}
