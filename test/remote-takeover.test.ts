/**
 * A remote must not be able to rewrite a local run (issue 11, item 1). Each
 * route is played by an "attacker" clone that writes refs and notes with
 * plain git and pushes them with plain git, so tmt's own checks on the
 * sending side do not help; the victim then runs `tmt fetch`. The local run
 * must come out byte-identical: same ref, same note text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, tempDir } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote, save } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

const FAR_FUTURE = '2999-01-01T00:00:00.000Z';

function noteText(dir: string, id: string): string {
  return git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`);
}

function runCommit(dir: string, id: string): string {
  return git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
}

/** Replaces the note on `commit` with `text`, as any git user can. */
function forgeNote(dir: string, commit: string, text: string): void {
  const file = path.join(tempDir(), 'note');
  fs.writeFileSync(file, text.endsWith('\n') ? text : text + '\n');
  git(dir, 'notes', '--ref=tmt', 'add', '-f', '-F', file, commit);
}

/** Rewrites YAML top-level fields of a note line by line (`id: X` → `id: Y`), adding the ones it lacks. */
function withFields(text: string, fields: Record<string, string>): string {
  const lines = text.split('\n');
  for (const [k, v] of Object.entries(fields)) {
    const i = lines.findIndex((l) => l.startsWith(`${k}:`));
    if (i >= 0) lines[i] = `${k}: ${v}`;
    else lines.splice(lines.length - (lines[lines.length - 1] === '' ? 1 : 0), 0, `${k}: ${v}`);
  }
  return lines.join('\n');
}

function pushAll(dir: string): void {
  git(dir, 'push', '-q', '-f', 'origin', '+refs/tmt/runs/*:refs/tmt/runs/*', '+refs/notes/tmt:refs/notes/tmt');
}

async function fetchOk(dir: string): Promise<string> {
  const r = await tmtAsync(dir, ['fetch']);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr + r.stdout;
}

async function setUp() {
  const remote = bareRepo();
  const victim = projectWithRemote(remote);
  const attacker = cloneOf(remote);
  return { remote, victim, attacker };
}

describe('a fetched note cannot take over a local run', () => {
  it('claimed id: a note on the remote\'s own commit that says it is a local run (never pushed anywhere)', async () => {
    const { victim, attacker } = await setUp();
    const mine = await save(victim, '-n', 'mine', '-p', 'lr=0.1');
    const before = { note: noteText(victim, mine), commit: runCommit(victim, mine) };

    const theirs = await save(attacker, '-n', 'evil-carrier');
    const forged = withFields(noteText(attacker, theirs), { id: mine, name: 'evil', updated: `'${FAR_FUTURE}'` });
    forgeNote(attacker, runCommit(attacker, theirs), forged);
    pushAll(attacker);

    const said = await fetchOk(victim);
    expect(noteText(victim, mine)).toBe(before.note);
    expect(runCommit(victim, mine)).toBe(before.commit);
    expect(said).toMatch(new RegExp(`warning: a note from origin on commit \\w{12} is not run ${theirs}'s \\(it says it is run ${mine}\\): left out`));
    const shown = await tmtAsync(victim, ['show', mine, '--json']);
    expect(JSON.parse(shown.stdout).run.meta.name).toBe('mine');
    fsck(victim);
  });

  it('reused id: the remote has its own run under a local run\'s id, with outputs', async () => {
    const { victim, attacker } = await setUp();
    const mine = await save(victim, '-n', 'mine');
    expect((await tmtAsync(victim, ['log', 'metric', 'acc=0.5', '--run', mine])).code).toBe(0); // outputs here too
    const before = { note: noteText(victim, mine), commit: runCommit(victim, mine) };

    const theirs = await save(attacker, '-n', 'impostor');
    expect((await tmtAsync(attacker, ['log', 'metric', 'acc=0.99', '--run', theirs])).code).toBe(0);
    const commit = runCommit(attacker, theirs);
    forgeNote(attacker, commit, withFields(noteText(attacker, theirs), { id: mine, updated: `'${FAR_FUTURE}'` }));
    git(attacker, 'update-ref', `refs/tmt/runs/${mine}`, commit);
    git(attacker, 'update-ref', '-d', `refs/tmt/runs/${theirs}`);
    pushAll(attacker);

    const said = await fetchOk(victim);
    expect(noteText(victim, mine)).toBe(before.note);
    expect(runCommit(victim, mine)).toBe(before.commit);
    expect(said).toMatch(new RegExp(`warning: origin has a run ${mine} that is not the same run as here`));
    const diff = await tmtAsync(victim, ['diff', mine, '--name-only']);
    expect(diff.code, diff.stderr).toBe(0);
    fsck(victim);
  });

  it('future timestamps: an edit of a shared run dated in the future loses to a real local edit, and is not stored as future', async () => {
    const { victim, attacker } = await setUp();
    const shared = await save(victim, '-n', 'shared');
    expect((await tmtAsync(victim, ['push'])).code).toBe(0);
    await fetchOk(attacker);
    const commit = runCommit(attacker, shared);

    // One-sided: accepted as an edit of a related version, but its time is not believed.
    forgeNote(attacker, commit, withFields(noteText(attacker, shared), { description: 'from the future', updated: `'${FAR_FUTURE}'` }));
    pushAll(attacker);
    await fetchOk(victim);
    const taken = noteText(victim, shared);
    expect(taken).toMatch(/^description: from the future$/m);
    expect(taken).not.toContain('2999');

    // Both sides change the name: the local edit is the later one for real and wins, byte for byte.
    expect((await tmtAsync(victim, ['edit', shared, '--name', 'mine-for-real'])).code).toBe(0);
    const mineNow = noteText(victim, shared);
    await fetchOk(attacker);
    forgeNote(attacker, runCommit(attacker, shared), withFields(noteText(attacker, shared), { name: 'hijacked', updated: `'${FAR_FUTURE}'` }));
    pushAll(attacker);
    await fetchOk(victim);
    expect(noteText(victim, shared)).toBe(mineNow);
    fsck(victim);
  });

  it('reused id with the local note removed on the remote: the local note stays (found in review)', async () => {
    const { victim, attacker } = await setUp();
    const mine = await save(victim, '-n', 'mine');
    expect((await tmtAsync(victim, ['push'])).code).toBe(0);
    await fetchOk(attacker);
    const before = { note: noteText(victim, mine), commit: runCommit(victim, mine) };
    const theirs = await save(attacker, '-n', 'impostor');
    git(attacker, 'update-ref', `refs/tmt/runs/${mine}`, runCommit(attacker, theirs));
    git(attacker, 'notes', '--ref=tmt', 'remove', before.commit);
    pushAll(attacker);
    await fetchOk(victim);
    expect(noteText(victim, mine)).toBe(before.note);
    expect(runCommit(victim, mine)).toBe(before.commit);
    fsck(victim);
  });

  it('a second id for a shared run\'s commit, with a note claiming it: no run is created there and the shared run keeps its note', async () => {
    const { victim, attacker } = await setUp();
    const shared = await save(victim, '-n', 'shared');
    expect((await tmtAsync(victim, ['push'])).code).toBe(0);
    await fetchOk(attacker);
    const before = noteText(victim, shared);
    const commit = runCommit(attacker, shared);
    const other = (await save(attacker, '-n', 'donor')); // a valid id to claim
    git(attacker, 'update-ref', `refs/tmt/runs/${other}`, commit);
    forgeNote(attacker, commit, withFields(noteText(attacker, shared), { id: other, name: 'hijacked' }));
    pushAll(attacker);
    await fetchOk(victim);
    expect(noteText(victim, shared)).toBe(before);
    expect(git(victim, 'for-each-ref', '--format=%(refname)', `refs/tmt/runs/${other}`)).toBe('');
    fsck(victim);
  });

  it('an id inside a note that disagrees with its own run is a damaged note, reported, never merged into either run', async () => {
    const { victim, attacker } = await setUp();
    const a = await save(victim, '-n', 'a');
    const b = await save(victim, '-n', 'b');
    expect((await tmtAsync(victim, ['push'])).code).toBe(0);
    await fetchOk(attacker);
    const before = { a: noteText(victim, a), b: noteText(victim, b) };
    // b's note on the remote now says it is a: would merge into a if ids were keys.
    forgeNote(attacker, runCommit(attacker, b), withFields(noteText(attacker, b), { id: a, name: 'swapped', updated: `'${FAR_FUTURE}'` }));
    pushAll(attacker);
    const said = await fetchOk(victim);
    expect(noteText(victim, a)).toBe(before.a);
    expect(noteText(victim, b)).toBe(before.b);
    expect(said).toMatch(new RegExp(`is not run ${b}'s \\(it says it is run ${a}\\)`));
    fsck(victim);
  });
});
