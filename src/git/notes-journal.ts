/**
 * A journal of tmt's notes commits made while native `git notes` writers were
 * active. Native `git notes add` updates refs/notes/tmt without checking the
 * old value: a git process that read the notes before tmt's commit and writes
 * after it drops tmt's commit, however long tmt waits to check. So each such
 * commit is written down (`<notes-commit> <object> <blob>` in
 * `<common-dir>/tmt/notes-journal`), and every later tmt command checks the
 * entries: a commit still in the history of refs/notes/tmt is settled (any
 * later removal of its notes was made by someone who saw them), and the notes
 * of a commit that fell out of the history are written again, unless that
 * object has a note again by then. An update can be delayed this way, never lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { git } from './exec.js';
import { NOTES_REF, notesJournalFile } from './layout.js';
import type { Repo } from './repo.js';

export interface JournalEntry {
  commit: string;
  object: string;
  blob: string;
}

const STALE_LOCK_MS = 10_000;

/** Whether tmt is keeping the journal (native writers were seen, and some entry is unsettled). */
export function journalActive(repo: Repo): boolean {
  return fs.existsSync(notesJournalFile(repo));
}

/** Appends entries for a notes commit just published. */
export async function journalNotes(repo: Repo, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await withLock(repo, () => {
    fs.mkdirSync(path.dirname(notesJournalFile(repo)), { recursive: true });
    fs.appendFileSync(notesJournalFile(repo), entries.map((e) => `${e.commit} ${e.object} ${e.blob}\n`).join(''));
  });
}

/**
 * Settles what can be settled and returns the entries whose commit was
 * dropped from the notes history and whose object has no note now: those
 * notes must be written again (the caller does, then calls this again).
 */
export async function droppedNotes(repo: Repo): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = fs.readFileSync(notesJournalFile(repo), 'utf8');
  } catch {
    return [];
  }
  const entries = text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((p) => p.length === 3 && p.every((x) => /^[0-9a-f]{40}$/.test(x)))
    .map(([commit, object, blob]) => ({ commit: commit!, object: object!, blob: blob! }));
  const settled = new Set<string>();
  const lost: JournalEntry[] = [];
  for (const commit of new Set(entries.map((e) => e.commit))) {
    const { code } = await git(['merge-base', '--is-ancestor', commit, NOTES_REF], { cwd: repo.workTree, okCodes: [1, 128] });
    if (code === 0) settled.add(commit);
  }
  for (const e of entries) {
    if (settled.has(e.commit)) continue;
    const { code } = await git(['notes', '--ref', NOTES_REF, 'list', e.object], { cwd: repo.workTree, okCodes: [1] });
    if (code === 0) settled.add(e.commit); // someone wrote a note there since: theirs stands
    else lost.push(e);
  }
  await withLock(repo, () => {
    // Entries appended meanwhile are kept: only what was read and settled goes.
    const now = fs.readFileSync(notesJournalFile(repo), 'utf8').split('\n').filter((l) => l && !settled.has(l.slice(0, 40)));
    if (now.length === 0) fs.rmSync(notesJournalFile(repo), { force: true });
    else {
      const tmp = `${notesJournalFile(repo)}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, now.join('\n') + '\n');
      fs.renameSync(tmp, notesJournalFile(repo));
    }
  }).catch(() => undefined); // settling again next time costs only a little time
  return lost;
}

async function withLock(repo: Repo, fn: () => void): Promise<void> {
  const lock = `${notesJournalFile(repo)}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(lock, { force: true }); // left by a crashed process
      else await new Promise((r) => setTimeout(r, 5 + attempt));
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
