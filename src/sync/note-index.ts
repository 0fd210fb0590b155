/**
 * Notes are keyed by commit, runs by id: when a run gains outputs its note
 * moves to the new commit. To merge two notes histories run by run, the notes
 * each side changed since the common version are read and grouped by run.
 *
 * A note counts only for the run whose ref points at the commit it
 * annotates, on the side that has it: the id written inside a note is a
 * claim, checked against that side's refs, never a key on its own. A remote
 * note whose claim does not hold is damaged: reported, never merged, and any
 * local run commit it sits on keeps its local note.
 */
import { TmtError } from '../errors.js';
import { loadYamlParser, MetaParseError, parseMeta, type RunMeta } from '../run/note/metadata.js';
import type { LocalStore, NoteChange } from './types.js';

/** One side's changes to one run's note. */
export interface SideChange {
  /** Objects whose note this side changed or removed. */
  objects: Set<string>;
  /** The note as this side has it now, or null when this side removed it. */
  now: { object: string; text: string; meta: RunMeta } | null;
}

export interface RunNoteChanges {
  /** The note before either side changed it. */
  base?: { object: string; text: string; meta: RunMeta };
  local?: SideChange;
  remote?: SideChange;
}

export interface Parsed {
  meta: RunMeta;
  text: string;
}

/** Parses a note; throws MetaParseError for text that is not a tmt run record. */
export async function parseNote(text: string): Promise<RunMeta> {
  return parseMeta(text) ?? parseMeta(text, await loadYamlParser());
}

/** A remote note that is a tmt run record, but damaged (or newer than this tmt): merged as it is, never parsed. */
export interface DamagedNote {
  object: string;
  runId: string;
  why: string;
  /** Not on the commit its run's ref points at there: never merged into any run. */
  misplaced?: boolean;
}

/** A local run commit whose note must stay as it is here, whatever git's notes merge would take from the remote. */
export interface PinnedNote {
  object: string;
  /** The note it has here (null: none). */
  text: string | null;
}

export interface IndexedChanges {
  byId: Map<string, RunNoteChanges>;
  damaged: DamagedNote[];
  pinned: PinnedNote[];
}

/** Run id → commit on each side. */
export interface SideRuns {
  local: ReadonlyMap<string, string>;
  remote: ReadonlyMap<string, string>;
}

/**
 * Groups both sides' changes by run. The remote's notes are checked first:
 * one that tmt did not write stops everything before anything is merged. A
 * run record of the wrong shape, or one that is not on the commit its run's
 * ref points at there, is damaged: it is left out of the index (git's union
 * merge carries it where it is, a local edit of the same note wins, and a
 * local run's commit keeps its local note) and reported.
 */
export async function indexChanges(
  store: LocalStore,
  local: readonly NoteChange[],
  remote: readonly NoteChange[],
  remoteLabel: string,
  runs: SideRuns,
): Promise<IndexedChanges> {
  const blobs = new Set<string>();
  for (const c of [...local, ...remote]) for (const b of [c.before, c.after]) if (b) blobs.add(b);
  const texts = await store.readTexts([...blobs]);
  const parsed = new Map<string, Parsed | Error>();
  for (const [blob, text] of texts) {
    try {
      parsed.set(blob, { meta: await parseNote(text), text });
    } catch (err) {
      if (!(err instanceof MetaParseError)) throw err;
      parsed.set(blob, err);
    }
  }
  const damaged: DamagedNote[] = [];
  const skipped = new Set<NoteChange>();
  /** Left out because the note is not on its run's commit there: a local run's commit keeps its own note. */
  const misplaced = new Set<NoteChange>();
  const remoteIdAt = new Map([...runs.remote].map(([id, commit]) => [commit, id]));
  const localIdAt = new Map([...runs.local].map(([id, commit]) => [commit, id]));
  for (const c of remote) {
    const p = c.after ? parsed.get(c.after) : undefined;
    if (c.after && p instanceof MetaParseError && p.runId) {
      // Left out whole: its `before` alone would read as the remote removing the note.
      damaged.push({ object: c.object, runId: p.runId, why: p.message });
      skipped.add(c);
      if (runs.remote.get(p.runId) !== c.object) {
        misplaced.add(c);
        damaged[damaged.length - 1]!.misplaced = true;
      }
      continue;
    }
    if (c.after && !(p && !(p instanceof Error))) {
      const why = p instanceof Error ? p.message : 'unreadable';
      throw new TmtError('FOREIGN_NOTES', `${remoteLabel}'s refs/notes/tmt holds notes tmt did not write (on ${c.object.slice(0, 12)}: ${why}); nothing was merged`, {
        hint: `another tool uses refs/notes/tmt there; inspect with git fetch ${remoteLabel} refs/notes/tmt && git notes --ref=FETCH_HEAD show ${c.object.slice(0, 12)}`,
        data: { object: c.object },
      });
    }
    const here = localIdAt.get(c.object);
    if (p && !(p instanceof Error) && (runs.remote.get(p.meta.id) !== c.object || (here !== undefined && here !== p.meta.id))) {
      const owner = remoteIdAt.get(c.object);
      damaged.push({
        object: c.object,
        runId: owner ?? p.meta.id,
        why: owner ? `it says it is run ${p.meta.id}` : `it claims run ${p.meta.id}, but ${remoteLabel}'s refs/tmt/runs/${p.meta.id} is not the commit it is on`,
        misplaced: true,
      });
      skipped.add(c);
      misplaced.add(c);
    }
  }
  const byId = new Map<string, RunNoteChanges>();
  const add = (changes: readonly NoteChange[], side: 'local' | 'remote') => {
    for (const c of changes) {
      if (skipped.has(c)) continue;
      const before = c.before ? parsed.get(c.before) : undefined;
      const after = c.after ? parsed.get(c.after) : undefined;
      // A local note off its run's commit (hand-made) is not merged by field either; git carries it.
      if (side === 'local' && after && !(after instanceof Error) && runs.local.get(after.meta.id) !== c.object) continue;
      for (const p of [before, after]) {
        if (!p || p instanceof Error) continue;
        const entry = byId.get(p.meta.id) ?? {};
        byId.set(p.meta.id, entry);
        const s = (entry[side] ??= { objects: new Set(), now: null });
        s.objects.add(c.object);
        if (p === before) entry.base ??= { object: c.object, ...p };
        else s.now = { object: c.object, ...p };
      }
    }
  };
  add(local, 'local');
  add(remote, 'remote');
  return { byId, damaged, pinned: pinLocalRuns(local, remote, misplaced, runs.local, texts) };
}

/**
 * For each misplaced remote note on a commit that is a local run's: the note
 * that commit has here (the local side's change, else the common version).
 */
function pinLocalRuns(
  local: readonly NoteChange[],
  remote: readonly NoteChange[],
  misplaced: ReadonlySet<NoteChange>,
  localRuns: ReadonlyMap<string, string>,
  texts: ReadonlyMap<string, string>,
): PinnedNote[] {
  const runCommits = new Set(localRuns.values());
  const localAt = new Map(local.map((c) => [c.object, c]));
  const pinned: PinnedNote[] = [];
  for (const c of remote) {
    if (!misplaced.has(c) || !runCommits.has(c.object)) continue;
    const mine = localAt.get(c.object);
    const blob = mine ? mine.after : c.before;
    pinned.push({ object: c.object, text: blob ? (texts.get(blob) ?? null) : null });
  }
  return pinned;
}
