/**
 * What sharing runs needs from the two sides, so the decisions (what to fetch,
 * how notes merge, what to push) are written once in src/sync/ and work
 * over both back ends: native git (this directory) and, where git is not
 * installed, isomorphic-git over HTTP (src/git/remote/nogit/, beside the native one in native/).
 */
import type { NoteChange } from '../notes.js';
import type { RefConflict, RefUpdate } from '../refs.js';
import type { Repo } from '../repo.js';

export type { NoteChange, RefUpdate };

/** A note to write (text) or remove (null) on an object. */
export interface NoteEdit {
  object: string;
  text: string | null;
}

/** The local repository, as sharing sees it. */
export interface LocalStore {
  readonly repo: Repo;
  /** True when native git does the work (diverged run outputs can be merged only then). */
  readonly native: boolean;
  /** run id → run commit, from refs/tmt/runs/. */
  runRefs(): Promise<Map<string, string>>;
  /** Current values of refs (absent ones are left out); `fresh`: never from what was read when the store was opened. */
  readRefs(refs: readonly string[], opts?: { fresh?: boolean }): Promise<Map<string, string>>;
  /** Parents of each commit, in order (commits missing here are left out). */
  commitParents(commits: readonly string[]): Promise<Map<string, string[]>>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  notesDiff(from: string | undefined, to: string): Promise<NoteChange[]>;
  /** Blob texts by id (missing ones are left out). */
  readTexts(blobs: readonly string[]): Promise<Map<string, string>>;
  /** A notes commit with `base`'s notes plus `edits`, fanned out as git does; no ref moves. */
  notesCommit(base: string | undefined, edits: readonly NoteEdit[], message: string): Promise<string | undefined>;
  /** A merge commit (parents local, remote) of both notes trees with `edits` on top. */
  notesMerge(local: string, remote: string, edits: readonly NoteEdit[], message: string, timeMs: number): Promise<string>;
  /** All updates or none, each compared with its old value. */
  updateRefs(updates: readonly RefUpdate[], message: string): Promise<RefConflict | undefined>;
  /** The objects reachable from `commit` that are missing here (a few are enough). */
  missingObjects(commit: string): Promise<string[]>;
  /** Which of these outputs commits mark artifacts as git LFS pointers (their `.gitattributes` names some). */
  outputsWithLfs(outputs: readonly string[]): Promise<Set<string>>;
}

/** A remote's runs and notes tip. */
export interface RemoteState {
  runs: Map<string, string>;
  notes: string | undefined;
  /** Refs the remote advertised under refs/tmt/runs/ that are not tmt runs (left alone). */
  ignored?: string[];
}

export interface PushRequest {
  /** Run ids to push from the local refs, or every local run. */
  runs: 'all' | readonly string[];
  /** Remote runs to delete, each only if it is still at `expect`. */
  deletes: ReadonlyArray<{ id: string; expect: string }>;
  /** The notes commit to publish, only if the remote's notes are still `expect` (null: none). */
  notes?: { oid: string; expect: string | null };
}

export type PushOutcome =
  | {
      ok: true;
      runsUpdated: number;
      runsDeleted: number;
      notesUpdated: boolean;
    }
  /** `lock`: a lock file on the remote that refused the push (a race, or left by a crashed git there). */
  | { ok: false; reason: string; lock?: string };

/** One remote, reached through git or isomorphic-git. */
export interface Transport {
  /** The remote as the user named it (for messages). */
  readonly label: string;
  /** Tracking refs: what tmt last saw of this remote. */
  readonly trackingNotes: string;
  readonly trackingRuns: string;
  /** The remote's current runs and notes tip, without fetching objects. */
  list(): Promise<RemoteState>;
  /** Fetches `state`'s objects (`runs: false`: the notes only) into the tracking refs; returns what arrived. */
  fetch(state: RemoteState, opts: { runs: boolean }): Promise<RemoteState>;
  /** Updates the remote atomically where it can; `ok: false` when another writer got there first. */
  push(request: PushRequest): Promise<PushOutcome>;
  /** What git-lfs is to be given for this remote (native git only: without git there is no git-lfs). */
  readonly lfs?: { arg: string; label: string };
}

/** Where progress goes; absent with -q. */
export interface Progress {
  /** Whether stderr is a terminal: then git's own progress meters are passed through. */
  tty: boolean;
  line(text: string): void;
  raw(chunk: Buffer): void;
}

