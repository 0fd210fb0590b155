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
import os from 'node:os';
import { writeBlob } from './objects.js';
import { readBlobs } from './cat-file.js';
import { diffNotes } from './notes-diff.js';
import { droppedNotes, journalActive, journalNotes } from './notes-journal.js';
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
  /**
   * The note blobs these edits were based on (null: no note). If another writer
   * changed one meanwhile, the transaction fails with CONCURRENT_UPDATE
   * (data.retry = true) instead of overwriting that writer's edit.
   */
  basedOn?: ReadonlyArray<{ object: string; blob: string | null }>;
}

/**
 * Writers of this process, one at a time per repository: two trials of one
 * sweep racing for refs/notes/tmt would only make each other retry (and
 * sleep). Other processes still race, and compare-and-swap settles it.
 */
const turns = new Map<string, Promise<void>>();

function takeTurn(key: string): { ahead: boolean; ready: Promise<void>; done(): void } {
  const before = turns.get(key);
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = (before ?? Promise.resolve()).then(() => mine);
  turns.set(key, tail);
  return {
    ahead: before !== undefined,
    ready: before ?? Promise.resolve(),
    done: () => {
      done();
      if (turns.get(key) === tail) turns.delete(key);
    },
  };
}

/** Writes notes and ref updates atomically; retries while other writers win the race. */
export async function commitNotes(repo: Repo, tx: NotesTransaction): Promise<void> {
  const blobsWritten = Promise.all(tx.notes.map((n) => (n.text === null ? null : writeBlob(repo, n.text))));
  const turn = takeTurn(repo.commonDir);
  try {
    // With no writer of ours ahead, the first look at the notes tip overlaps hashing the note blobs: one process less on the critical path.
    const early = turn.ahead ? undefined : resolveRef(repo, NOTES_REF);
    await turn.ready;
    const [blobs, firstBase] = await Promise.all([blobsWritten, early ?? resolveRef(repo, NOTES_REF)]);
    await commitInTurn(repo, tx, blobs, firstBase);
  } finally {
    turn.done();
  }
}

async function commitInTurn(repo: Repo, tx: NotesTransaction, blobs: Array<string | null>, firstBase: string | undefined): Promise<void> {
  const deadline = Date.now() + (tx.timeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    const base = attempt === 0 ? firstBase : await resolveRef(repo, NOTES_REF);
    const work = scratchNotesRef();
    let result: RefConflict | undefined;
    let committed = false;
    try {
      const next = await buildNotesCommit(repo, work, base, tx, blobs);
      if (next === undefined) {
        result = { kind: 'moved', ref: NOTES_REF };
      } else {
        const publish = { ref: NOTES_REF, newOid: next, oldOid: base ?? null };
        result = await tryUpdateRefs(repo, [...tx.refs, publish, { ref: work, newOid: null }], tx.message);
        committed = result === undefined;
        if (committed) await guardAgainstBlindWriters(repo, next, tx, blobs);
      }
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
async function guardAgainstBlindWriters(repo: Repo, ours: string, tx: NotesTransaction, blobs: readonly (string | null)[]): Promise<void> {
  const active = await foreignWritersActive(repo);
  if (!active && !journalActive(repo)) return;
  // A writer slower than the checks below would still drop it: the journal lets a later tmt command put it back.
  await journalNotes(repo, tx.notes.flatMap((n, i) => (blobs[i] ? [{ commit: ours, object: n.object, blob: blobs[i]! }] : [])));
  if (!active) return;
  for (const delay of [60, 400]) {
    await sleep(delay);
    const { code } = await git(['merge-base', '--is-ancestor', ours, NOTES_REF], { cwd: repo.workTree, okCodes: [1] });
    if (code === 1) {
      await commitNotes(repo, { ...tx, refs: [] });
      return;
    }
  }
}

/**
 * Writes again the notes of tmt commits that a native `git notes` writer
 * dropped (see notes-journal.ts). Cheap when there is nothing to check: one
 * file lookup.
 */
export async function restoreDroppedNotes(repo: Repo): Promise<void> {
  if (!journalActive(repo)) return;
  const lost = await droppedNotes(repo);
  if (lost.length === 0) return;
  const texts = await readBlobs(repo, lost.map((e) => e.blob));
  const notes = lost.filter((e) => texts.has(e.blob)).map((e) => ({ object: e.object, text: texts.get(e.blob)! }));
  await commitNotes(repo, { notes, refs: [], message: 'tmt: restore notes a native git notes writer dropped' });
  await droppedNotes(repo); // settles the entries just restored
}

/** True when something other than tmt wrote refs/notes/tmt in the last minute. */
async function foreignWritersActive(repo: Repo): Promise<boolean> {
  let log: string;
  try {
    log = await readFile(path.join(repo.commonDir, 'logs', NOTES_REF), 'utf8');
  } catch {
    return false; // no reflog: nothing but tmt has written yet, or reflogs are off
  }
  const cutoff = Date.now() / 1000 - 60;
  return log
    .split('\n')
    .slice(-50)
    .some((line) => {
      const m = /> (\d+) [+-]\d{4}\t(.*)$/.exec(line);
      return !!m && Number(m[1]) >= cutoff && !m[2]!.startsWith('tmt:');
    });
}

/**
 * The notes commit for this transaction, built on `base` through a scratch
 * ref; undefined when the scratch ref was disturbed (the caller retries).
 */
async function buildNotesCommit(repo: Repo, work: string, base: string | undefined, tx: NotesTransaction, blobs: readonly (string | null)[]): Promise<string | undefined> {
  const run = { cwd: repo.workTree, env: { ...tx.env, GIT_NOTES_REF: work } };
  if (base) await git(['update-ref', work, base, '0'.repeat(40)], run);
  for (const expected of tx.basedOn ?? []) {
    const { stdout, code } = await git(['notes', 'list', expected.object], { ...run, okCodes: [1] });
    const current = code === 0 ? stdout.toString('utf8').trim() : null;
    if (current !== expected.blob) {
      throw new TmtError('CONCURRENT_UPDATE', `the note on ${expected.object.slice(0, 12)} was changed by another process`, {
        hint: 'run the command again',
        data: { retry: true },
      });
    }
  }
  const steps = await applyNoteWrites(repo, work, tx.notes, blobs, tx.env);
  // Our few commits must sit right on top of base: had the scratch ref been
  // lost, git would have started a new root and publishing it would drop
  // every other note.
  const { stdout } = await git(['rev-list', '--first-parent', '--parents', `--max-count=${steps + 1}`, work], { cwd: repo.workTree });
  const chain = stdout.toString('utf8').trim().split('\n').map((l) => l.split(' '));
  const tip = chain[0]?.[0];
  if (tip === base) return base; // only removals of notes that were not there
  for (const [, parent] of chain) {
    if (parent === base) return tip;
    if (parent === undefined) return base === undefined ? tip : undefined;
  }
  return undefined;
}

/**
 * Writes notes on the scratch notes ref `work` through `git notes` (`blobs[i]`
 * holds `notes[i]`'s text, null for a removal); returns how many commits that
 * made at most.
 */
export async function applyNoteWrites(repo: Repo, work: string, notes: readonly NoteWrite[], blobs: readonly (string | null)[], env?: Record<string, string>): Promise<number> {
  const run = { cwd: repo.workTree, env: { ...env, GIT_NOTES_REF: work } };
  const removals = notes.filter((n) => n.text === null).map((n) => n.object);
  if (removals.length) await git(['notes', 'remove', '--ignore-missing', ...removals], run);
  for (const [i, n] of notes.entries()) {
    const blob = blobs[i];
    // -C reuses the blob as is; -m/-F would run stripspace over the YAML.
    if (blob) await git(['notes', 'add', '-f', '-C', blob, n.object], run);
  }
  return (removals.length ? 1 : 0) + blobs.filter(Boolean).length;
}

/**
 * Scratch refs of writers that died (kill -9) between creating and deleting
 * them. Their names start with the writer's pid; a pid that no longer runs on
 * this machine cannot come back for its ref. Scratch refs are never pushed.
 */
async function pruneAbandonedWorkRefs(repo: Repo): Promise<void> {
  // Scratch refs are created loose; without any on disk there is nothing to prune.
  const looseDir = path.join(repo.commonDir, NOTES_WORK_PREFIX);
  let names: string[];
  try {
    names = fs.readdirSync(looseDir);
  } catch {
    return;
  }
  // Only this host's, only old ones: a pid means nothing on another host or in
  // another pid namespace, and a young ref may belong to a writer at work.
  const cutoff = Date.now() - 10 * 60_000;
  const stale = names.filter((name) => {
    const m = /^(.*)-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || m[1] !== HOST || Number(m[2]) === process.pid || pidAlive(Number(m[2]))) return false;
    return (fs.statSync(path.join(looseDir, name), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff;
  });
  if (stale.length === 0) return;
  const refs = await listRefs(repo, NOTES_WORK_PREFIX);
  const dead = refs.filter(({ ref }) => stale.includes(ref.slice(NOTES_WORK_PREFIX.length)));
  if (dead.length) await tryUpdateRefs(repo, dead.map((r) => ({ ref: r.ref, newOid: null, oldOid: r.oid })), 'tmt: prune scratch refs');
}


/** This machine's name as it may appear in a ref name. */
const HOST = os.hostname().replace(/[^A-Za-z0-9]+/g, '_') || 'host';

async function deleteRefQuietly(repo: Repo, ref: string): Promise<void> {
  await git(['update-ref', '-d', ref], { cwd: repo.workTree }).catch(() => undefined);
}

/** The note text on `object`, or undefined if it has none. Handles any fanout. */
export async function readNote(repo: Repo, object: string): Promise<string | undefined> {
  const { stdout, code } = await git(['notes', '--ref', NOTES_REF, 'show', object], { cwd: repo.workTree, okCodes: [1] });
  return code === 0 ? stdout.toString('utf8') : undefined;
}

export interface StoredNote {
  /** The note's blob id (what `basedOn` compares against). */
  blob: string;
  text: string;
}

/** The notes commit refs/notes/tmt points at, or undefined when there are no notes. */
export function notesTip(repo: Repo): Promise<string | undefined> {
  return resolveRef(repo, NOTES_REF);
}

/** Annotated object → note blob for every note (handles any fanout). */
export async function listNoteBlobs(repo: Repo): Promise<Map<string, string>> {
  const { stdout } = await git(['notes', '--ref', NOTES_REF, 'list'], { cwd: repo.workTree, okCodes: [1] });
  const out = new Map<string, string>();
  for (const line of stdout.toString('latin1').split('\n')) if (line.length >= 81) out.set(line.slice(41, 81), line.slice(0, 40));
  return out;
}

export { diffNotes, type NoteChange } from './notes-diff.js';

/** The notes that differ between two notes commits, as annotated object → new note blob (null: removed). */
export async function notesChanges(repo: Repo, from: string, to: string): Promise<Map<string, string | null>> {
  return new Map((await diffNotes(repo, from, to)).map((c) => [c.object, c.after]));
}

/**
 * A notes commit holding `base`'s notes with `notes` applied, built by `git
 * notes` on a private scratch ref (so the tree fans out as git fans it out);
 * no public ref moves. Without a base it starts a new notes history.
 */
export async function writeNotesCommit(repo: Repo, base: string | undefined, notes: readonly NoteWrite[], env?: Record<string, string>): Promise<string | undefined> {
  if (notes.length === 0) return base;
  const work = scratchNotesRef();
  const tx = { notes, refs: [], message: '', env };
  try {
    const blobs = await Promise.all(notes.map((n) => (n.text === null ? null : writeBlob(repo, n.text))));
    const tip = await buildNotesCommit(repo, work, base, tx, blobs);
    if (tip === undefined) throw new TmtError('CONCURRENT_UPDATE', `scratch notes ref ${work} was changed by another process`, { hint: 'run the command again' });
    return tip;
  } finally {
    await deleteRefQuietly(repo, work);
  }
}

/** A fresh private notes ref name; see pruneAbandonedWorkRefs for why it carries host and pid. */
export function scratchNotesRef(): string {
  return NOTES_WORK_PREFIX + `${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`;
}
