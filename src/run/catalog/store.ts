/**
 * Keeps the run catalog (catalog.ts) in step with git, in
 * `<common-dir>/tmt/catalog/`:
 *
 *   current.json     the state: notes commit and refs fingerprint it stands
 *                    for, the base file it builds on, and the delta (runs
 *                    changed since the base, their notes inline)
 *   base-<rand>      a base file (file-format.ts): ids, commits, note blob
 *                    ids, every note's text, and one section per column
 *
 * Every query lists `refs/tmt/runs/` and resolves `refs/notes/tmt`; when both
 * match the state, nothing else is read from git. Otherwise the notes that
 * changed come from `git diff-tree` between the two notes commits, and only
 * the changed runs' notes are read and parsed, into the delta. A large delta
 * is folded into a new base by a full pass, which streams every note through
 * one `git cat-file --batch` while parsing. Files are replaced by rename, so
 * concurrent tmt processes each see a whole state; any state is checked
 * against git before use, so the worst a race or a damaged file costs is a
 * rebuild. Deleting the folder only costs time.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { streamObjects, streamObjectsToFile, type OnObject } from '../../git/cat-file.js';
import { catalogDir, legacyRunsCacheFile, NOTES_REF, RUNS_PREFIX } from '../../git/layout.js';
import { RUN_ID_PATTERN } from '../note/id.js';
import { listNoteBlobs, notesChanges, notesTip, restoreDroppedNotes } from '../../git/notes.js';
import { listRefsRaw, parseRefList } from '../../git/refs.js';
import { refsFingerprint } from '../../git/refs-stat.js';
import type { Repo } from '../../git/repo.js';
import { SectionReader, SectionWriter } from './file-format.js';
import { Catalog, NO_NOTE, type CatalogState, type DeltaRun } from './catalog.js';
import { ColumnsBuilder } from './columns.js';
import { loadYamlParser, MetaParseError, parseMeta, serializeMeta, type RunMeta } from '../note/metadata.js';

const VERSION = 5; // 3: refs that are not run ids left out; 4: slow notes kept as YAML text, not JSON; 5: the sweep column

interface RunRef {
  id: string;
  commit: string;
}

/** The catalog as of the repository's current runs and notes. Close it when done. */
export async function openCatalog(repo: Repo): Promise<Catalog> {
  const dir = catalogDir(repo);
  await restoreDroppedNotes(repo);
  // Taken before git is asked: a change after this point makes a later fingerprint differ.
  const fingerprint = refsFingerprint(repo, [RUNS_PREFIX.slice(0, -1)], [NOTES_REF]) ?? null;
  const current = loadState(dir);
  if (current && fingerprint !== null && current.state.fingerprint === fingerprint) return current;
  // Started together: git works on the other core while this one reads the catalog.
  const pending = Promise.all([listRefsRaw(repo, RUNS_PREFIX), notesTip(repo), current ? undefined : listNoteBlobs(repo)]);
  let raw: Buffer, tip: string | undefined, notes: Map<string, string> | undefined;
  try {
    [raw, tip, notes] = await pending;
  } catch (err) {
    current?.close();
    throw err;
  }
  const digest = createHash('sha1').update(raw).digest('hex');
  const listed = parseRefList(raw).map((r) => ({ id: r.ref.slice(RUNS_PREFIX.length), commit: r.oid }));
  // Only run ids are runs: a hand-made refs/tmt/runs/sub/dir or -rf would be listed, picked as `last`, yet never selectable.
  const refs = listed.filter((r) => RUN_ID_PATTERN.test(r.id));
  const ignoredRefs = listed.filter((r) => !RUN_ID_PATTERN.test(r.id)).map((r) => RUNS_PREFIX + r.id);
  const now = { notesTip: tip ?? null, refsDigest: digest, fingerprint, ...(ignoredRefs.length ? { ignoredRefs } : {}) };
  if (current) {
    if (current.state.refsDigest === digest && current.state.notesTip === now.notesTip) {
      const same = current.withState({ ...current.state, fingerprint });
      saveState(dir, same.state);
      return same;
    }
    let updated: Catalog | undefined;
    try {
      updated = await update(repo, dir, current, refs, now);
    } finally {
      if (!updated) current.close();
    }
    if (updated) return updated;
  }
  return build(repo, dir, refs, now, notes ?? (tip ? await listNoteBlobs(repo) : new Map()));
}

type Now = Pick<CatalogState, 'notesTip' | 'refsDigest' | 'fingerprint' | 'ignoredRefs'>;

function loadState(dir: string): Catalog | undefined {
  let state: CatalogState & { version?: number };
  try {
    state = JSON.parse(fs.readFileSync(path.join(dir, 'current.json'), 'utf8')) as CatalogState & { version?: number };
  } catch {
    return undefined; // none yet, truncated, or not ours: rebuilt
  }
  if (state.version !== VERSION || typeof state.delta !== 'object' || state.delta === null) return undefined;
  if (state.base === null) return new Catalog(state, undefined);
  const base = SectionReader.open(path.join(dir, path.basename(state.base)));
  if (!base) return undefined;
  if (base.meta.endianness !== os.endianness()) {
    base.close(); // metric columns are doubles in the byte order of the machine that wrote them
    return undefined;
  }
  try {
    return new Catalog(state, base);
  } catch {
    base.close();
    return undefined;
  }
}

/** Beyond this many changed runs, one full pass is cheaper than carrying the delta. */
function deltaLimit(baseSize: number): number {
  return Math.max(1000, baseSize >> 4);
}

async function update(repo: Repo, dir: string, old: Catalog, refs: RunRef[], now: Now): Promise<Catalog | undefined> {
  const tip = now.notesTip;
  let changed: Map<string, string | null> | undefined = old.state.notesTip === tip ? new Map() : undefined;
  if (!changed && old.state.notesTip && tip) changed = await notesChanges(repo, old.state.notesTip, tip).catch(() => undefined); // old commit gone: list all
  let all: Map<string, string> | undefined = changed ? undefined : tip ? await listNoteBlobs(repo) : new Map();

  // Walk old rows and current refs together; both are in id order.
  const edits = new Map<string, { commit: string; blob: string | null | undefined } | null>();
  let j = 0;
  for (const { id, commit } of refs) {
    while (j < old.size && old.ids[j]! < id) edits.set(old.ids[j++]!, null);
    const same = j < old.size && old.ids[j] === id && old.commit(j) === commit;
    const blob = all ? (all.get(commit) ?? null) : changed!.has(commit) ? changed!.get(commit)! : same ? old.noteBlob(j) : undefined;
    if (!(same && old.noteBlob(j) === blob)) edits.set(id, { commit, blob });
    if (j < old.size && old.ids[j] === id) j++;
  }
  while (j < old.size) edits.set(old.ids[j++]!, null);
  if (old.deltaSize + edits.size > deltaLimit(old.baseSize)) return undefined;

  // A ref that moved to a commit whose note did not change: look its note up.
  if ([...edits.values()].some((e) => e?.blob === undefined && e !== null)) all = await listNoteBlobs(repo);
  const todo = [...edits].filter((e): e is [string, { commit: string; blob: string | null }] => {
    if (e[1] && e[1].blob === undefined) e[1].blob = all!.get(e[1].commit) ?? null;
    return e[1] !== null;
  });
  const read: ReadNote[] = [];
  await readNotes(repo, todo.map(([, e]) => e.blob), (k, note) => (read[k] = note));

  const delta = { ...old.state.delta };
  for (const [id, e] of edits) {
    if (e === null && !old.hasBaseRun(id)) delete delta[id];
    else if (e === null) delta[id] = null;
  }
  todo.forEach(([id, e], k) => (delta[id] = { commit: e.commit, blob: e.blob, ...stored(read[k]!) }));
  const state: CatalogState = { ...now, base: old.state.base, delta };
  saveState(dir, state);
  return old.withState(state);
}

/** How a delta keeps a note: text the fast reader re-reads (re-written in tmt's YAML when only the full parser read it), or its problem. */
function stored(note: ReadNote): Pick<DeltaRun, 'text' | 'problem'> {
  if ('problem' in note) return { problem: note.problem };
  // A note only the full parser reads is kept re-written in tmt's own YAML: JSON would turn a NaN metric into null.
  return { text: note.slow ? serializeMeta(note.meta) : note.text };
}

type ReadNote = { meta: RunMeta; text: string; slow: boolean } | { problem: string };

/**
 * Reads and parses notes by blob id (null: no note). `onNote` gets each
 * result, in order except that notes needing the full YAML parser come last.
 * With `file`, git's output is kept there and `onNote` also gets where each
 * note's text starts in it.
 */
async function readNotes(
  repo: Repo,
  blobs: ReadonlyArray<string | null>,
  onNote: (k: number, note: ReadNote, at?: { offset: number; length: number }) => void,
  file?: string,
): Promise<void> {
  const wanted: number[] = [];
  blobs.forEach((b, k) => (b ? wanted.push(k) : onNote(k, { problem: NO_NOTE })));
  const slow: Array<[number, string, { offset: number; length: number }]> = [];
  const specs = wanted.map((k) => blobs[k]!);
  const read: OnObject = (w, data, offset) => {
    const k = wanted[w]!;
    if (!data) return onNote(k, { problem: 'note blob missing from the object store' });
    const at = { offset, length: data.length };
    const text = data.toString('utf8');
    try {
      const meta = parseMeta(text);
      if (meta) onNote(k, { meta, text, slow: false }, at);
      else slow.push([k, text, at]);
    } catch (err) {
      onNote(k, unreadable(err), at);
    }
  };
  if (file) await streamObjectsToFile(repo, specs, file, read);
  else await streamObjects(repo, specs, read);
  if (slow.length === 0) return;
  // The full YAML parser only for notes tmt did not write itself.
  const parse = await loadYamlParser();
  for (const [k, text, at] of slow) {
    try {
      onNote(k, { meta: parseMeta(text, parse), text, slow: true }, at);
    } catch (err) {
      onNote(k, unreadable(err), at);
    }
  }
}

function unreadable(err: unknown): { problem: string } {
  if (!(err instanceof MetaParseError)) throw err;
  return { problem: `unreadable note: ${err.message}` };
}

/**
 * One pass over every note: writes a new base file and an empty delta. When
 * the disk takes no more writes (full, or an I/O error), the same catalog is
 * built in memory for this command, and the next one tries the disk again.
 */
async function build(repo: Repo, dir: string, refs: RunRef[], now: Now, notes: Map<string, string>): Promise<Catalog> {
  const blobs = refs.map((r) => notes.get(r.commit) ?? null);
  try {
    return await buildFile(repo, dir, refs, now, blobs);
  } catch (err) {
    const inMemory = await buildInMemory(repo, refs, now, blobs).catch(() => undefined);
    if (!inMemory) throw err; // not the disk: the error as it was
    return inMemory;
  }
}

async function buildFile(repo: Repo, dir: string, refs: RunRef[], now: Now, blobs: Array<string | null>): Promise<Catalog> {
  const name = `base-${randomBytes(6).toString('hex')}`;
  const target = writableDir(dir) ? path.join(dir, name) : path.join(os.tmpdir(), `tmt-catalog-${process.pid}-${name}`);
  const tmp = `${target}.tmp`;
  let writer: SectionWriter | undefined;
  try {
    // git's own output becomes the notes section: the notes are never copied.
    const parts = new BaseParts(refs.length);
    await readNotes(repo, blobs, (k, note, at) => parts.add(k, note, at), tmp);
    writer = SectionWriter.adopt(tmp, 'notes');
    parts.write(writer, refs, blobs);
    writer.finish(target, baseMeta(now));
  } catch (err) {
    writer?.abandon();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const state: CatalogState = { ...now, base: name, delta: {} };
  const base = SectionReader.open(target)!;
  if (path.dirname(target) === dir) {
    saveState(dir, state);
    removeOldBases(dir, name);
    fs.rmSync(legacyRunsCacheFile(repo), { force: true }); // the cache tmt 0.1 kept
  } else {
    fs.rmSync(target, { force: true }); // not kept: the open file stays readable until closed
  }
  return new Catalog(state, base);
}

/** The same catalog as buildFile, never written: the notes section holds each note's text. */
async function buildInMemory(repo: Repo, refs: RunRef[], now: Now, blobs: Array<string | null>): Promise<Catalog> {
  const writer = SectionWriter.inMemory();
  const parts = new BaseParts(refs.length);
  writer.begin('notes');
  await readNotes(repo, blobs, (k, note) => {
    const at = 'text' in note ? { offset: writer.append(note.text), length: Buffer.byteLength(note.text) } : undefined;
    parts.add(k, note, at);
  });
  writer.end();
  parts.write(writer, refs, blobs);
  const base = SectionReader.fromBuffer(writer.finishInMemory(baseMeta(now)))!;
  return new Catalog({ ...now, base: 'memory', delta: {} }, base);
}

function baseMeta(now: Now): Record<string, unknown> {
  return { version: VERSION, notesTip: now.notesTip, refsDigest: now.refsDigest, endianness: os.endianness() };
}

/** What a base holds besides the notes section, gathered note by note. */
class BaseParts {
  readonly starts: number[];
  readonly lengths: number[];
  readonly columns: ColumnsBuilder;
  readonly problems: Record<number, string> = {};
  readonly slowTexts: Record<number, string> = {};

  constructor(size: number) {
    this.starts = new Array<number>(size).fill(0);
    this.lengths = new Array<number>(size).fill(0);
    this.columns = new ColumnsBuilder(size);
  }

  add(k: number, note: ReadNote, at?: { offset: number; length: number }): void {
    if (at) {
      this.starts[k] = at.offset;
      this.lengths[k] = at.length;
    }
    if ('problem' in note) return void (this.problems[k] = note.problem);
    this.columns.add(k, note.meta);
    if (note.slow) this.slowTexts[k] = serializeMeta(note.meta);
  }

  write(writer: SectionWriter, refs: RunRef[], blobs: Array<string | null>): void {
    writer.json('ids', refs.map((r) => r.id));
    writer.json('commits', refs.map((r) => r.commit));
    writer.json('blobs', blobs);
    writer.json('noteStarts', this.starts);
    writer.json('noteLengths', this.lengths);
    writer.json('problems', this.problems);
    writer.json('slowTexts', this.slowTexts);
    for (const [col, json] of this.columns.valueColumns()) writer.section(`col:${col}`, json);
    for (const [metric, cells] of this.columns.metricColumns()) writer.section(`mcol:${metric}`, Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength));
  }
}

function writableDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false; // a read-only .git still answers queries, from a temporary file
  }
}

function saveState(dir: string, state: CatalogState): void {
  if (state.base === 'memory') return; // a catalog the disk would not take
  const tmp = path.join(dir, `current.json.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(tmp, JSON.stringify({ version: VERSION, ...state }));
    fs.renameSync(tmp, path.join(dir, 'current.json'));
  } catch {
    fs.rmSync(tmp, { force: true }); // read-only or full: the next query does this work again
  }
}

/** Bases no state refers to any more; a reader that opened one keeps its open file. */
function removeOldBases(dir: string, keep: string): void {
  const cutoff = Date.now() - 60_000;
  for (const f of fs.readdirSync(dir)) {
    if (f === keep || !f.startsWith('base-')) continue;
    const file = path.join(dir, f);
    // Young ones may be another process's, just written or still being written.
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st && st.mtimeMs < cutoff) fs.rmSync(file, { force: true });
  }
}
