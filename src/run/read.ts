/**
 * Reading every run, fast at 100,000 runs. Parsed metadata is cached in
 * `<git-dir>/tmt/runs-cache.json`, keyed by note blob id: a blob id names its
 * content, so a cached entry can never be stale. The map from run commit to
 * note blob is cached with the notes commit it came from and brought up to
 * date with `git diff-tree` between the two notes commits, so a new run costs
 * one note read and parse, not N. A missing, truncated or older cache is
 * rebuilt silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RUNS_PREFIX, TMT_DIR } from '../git/layout.js';
import { applyNotesChanges, listNoteBlobs, notesTip, readBlobs } from '../git/notes.js';
import { listRefs } from '../git/refs.js';
import type { Repo } from '../git/repo.js';
import { loadYamlParser, MetaParseError, parseMeta, type RunMeta } from './metadata.js';

export interface RunRecord {
  id: string;
  commit: string;
  /** Parsed metadata; undefined when the note is missing or unreadable (see `problem`). */
  meta: RunMeta | undefined;
  /** The note's blob id, for compare-and-swap on later edits (null: no note). */
  noteBlob: string | null;
  problem?: string;
}

const CACHE_VERSION = 2;

interface CacheFile {
  version: number;
  notesTip: string | null;
  /** run commit → note blob */
  notes: Record<string, string>;
  /** note blob → parsed metadata, or the reason it could not be parsed */
  metas: Record<string, RunMeta | { problem: string }>;
}

/** Every run in the repository, oldest first (run ids sort by time). */
export async function readRuns(repo: Repo): Promise<RunRecord[]> {
  const file = path.join(repo.gitDir, TMT_DIR, 'runs-cache.json');
  const [refs, tip] = await Promise.all([listRefs(repo, RUNS_PREFIX), notesTip(repo)]);
  const cache = loadCache(file);
  const notes = await noteBlobs(repo, cache, tip ?? null);

  const metas = cache?.metas ?? {};
  const wanted = new Set<string>();
  for (const r of refs) {
    const blob = notes.get(r.oid);
    if (blob && !(blob in metas)) wanted.add(blob);
  }
  if (wanted.size > 0) {
    const texts = await readBlobs(repo, [...wanted]);
    // The full YAML parser (slow to load and to run) only for notes tmt did not write.
    let parse: ((text: string) => unknown) | undefined;
    for (const [blob, text] of texts) {
      try {
        let meta = parseMeta(text);
        if (!meta) meta = parseMeta(text, (parse ??= await loadYamlParser()));
        metas[blob] = meta;
      } catch (err) {
        if (!(err instanceof MetaParseError)) throw err;
        metas[blob] = { problem: `unreadable note: ${err.message}` };
      }
    }
  }

  const records = refs.map(({ ref, oid }): RunRecord => {
    const id = ref.slice(RUNS_PREFIX.length);
    const blob = notes.get(oid);
    const m = blob ? metas[blob] : undefined;
    if (!blob || !m) return { id, commit: oid, meta: undefined, noteBlob: blob ?? null, problem: 'no note (metadata missing)' };
    return 'problem' in m ? { id, commit: oid, meta: undefined, noteBlob: blob, problem: m.problem } : { id, commit: oid, meta: m, noteBlob: blob };
  });
  if (wanted.size > 0 || cache?.notesTip !== (tip ?? null)) saveCache(file, tip ?? null, notes, metas, records);
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function noteBlobs(repo: Repo, cache: CacheFile | undefined, tip: string | null): Promise<Map<string, string>> {
  if (!tip) return new Map();
  if (cache?.notesTip === tip) return new Map(Object.entries(cache.notes));
  if (cache?.notesTip) {
    const blobs = new Map(Object.entries(cache.notes));
    try {
      await applyNotesChanges(repo, cache.notesTip, tip, blobs);
      return blobs;
    } catch {
      /* the old notes commit is gone (gc, rewritten history): list them all */
    }
  }
  return listNoteBlobs(repo);
}

function loadCache(file: string): CacheFile | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    return c.version === CACHE_VERSION && c.notes && c.metas ? c : undefined;
  } catch {
    return undefined; // missing, truncated, or not ours: rebuilt below
  }
}

/** Atomic replace; only metadata still in use is kept. */
function saveCache(file: string, tip: string | null, notes: Map<string, string>, metas: CacheFile['metas'], records: RunRecord[]): void {
  const used: CacheFile['metas'] = {};
  for (const r of records) if (r.noteBlob && metas[r.noteBlob]) used[r.noteBlob] = metas[r.noteBlob]!;
  const data: CacheFile = { version: CACHE_VERSION, notesTip: tip, notes: Object.fromEntries(notes), metas: used };
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } catch {
    /* a read-only .git still answers queries, just without the cache */
  }
}
