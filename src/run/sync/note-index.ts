/**
 * Notes are keyed by commit, runs by id: when a run gains outputs its note
 * moves to the new commit. To merge two notes histories run by run, the notes
 * each side changed since the common version are read and grouped by the run
 * id inside them.
 */
import { TmtError } from '../../errors.js';
import { loadYamlParser, MetaParseError, parseMeta, type RunMeta } from '../metadata.js';
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
}

/**
 * Groups both sides' changes by run id. The remote's notes are checked first:
 * one that tmt did not write stops everything before anything is merged. A
 * run record of the wrong shape is tmt's, damaged: it is left out of the
 * index (git's union merge carries it, and a local edit of the same note
 * wins) and reported in `damaged`.
 */
export async function indexChanges(
  store: LocalStore,
  local: readonly NoteChange[],
  remote: readonly NoteChange[],
  remoteLabel: string,
  damaged: DamagedNote[] = [],
): Promise<Map<string, RunNoteChanges>> {
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
  const skipped = new Set<NoteChange>();
  for (const c of remote) {
    const p = c.after ? parsed.get(c.after) : undefined;
    if (c.after && p instanceof MetaParseError && p.runId) {
      // Left out whole: its `before` alone would read as the remote removing the note.
      damaged.push({ object: c.object, runId: p.runId, why: p.message });
      skipped.add(c);
      continue;
    }
    if (c.after && !(p && !(p instanceof Error))) {
      const why = p instanceof Error ? p.message : 'unreadable';
      throw new TmtError('FOREIGN_NOTES', `${remoteLabel}'s refs/notes/tmt holds notes tmt did not write (on ${c.object.slice(0, 12)}: ${why}); nothing was merged`, {
        hint: `another tool uses refs/notes/tmt there; inspect with git fetch ${remoteLabel} refs/notes/tmt && git notes --ref=FETCH_HEAD show ${c.object.slice(0, 12)}`,
        data: { object: c.object },
      });
    }
  }
  const byId = new Map<string, RunNoteChanges>();
  const add = (changes: readonly NoteChange[], side: 'local' | 'remote') => {
    for (const c of changes) {
      if (skipped.has(c)) continue;
      const before = c.before ? parsed.get(c.before) : undefined;
      const after = c.after ? parsed.get(c.after) : undefined;
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
  return byId;
}
