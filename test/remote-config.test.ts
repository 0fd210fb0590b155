/**
 * The user's own git config must not change what tmt sends, receives or
 * writes: refspecs configured for a remote, push and fetch defaults, a
 * pushurl that differs from the url.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git } from './helpers/git.js';
import { allRefs, bareRepo, cloneOf, expectRunsWithNotes, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

async function ok(dir: string, args: string[]): Promise<string> {
  const r = await tmtAsync(dir, args);
  expect(r.code, `tmt ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stderr;
}

/** A remote with one run pushed from another clone, and a clone with two runs of its own. */
async function twoClones(): Promise<{ bare: string; theirs: string; mine: string; own: string[] }> {
  const bare = bareRepo();
  const theirs = projectWithRemote(bare);
  await save(theirs, '-n', 'theirs');
  await ok(theirs, ['push']);
  const mine = cloneOf(bare);
  const own = [await save(mine, '-n', 'mine-1'), await save(mine, '-n', 'mine-2')];
  return { bare, theirs, mine, own };
}

describe("refspecs in the user's remote.<name>.fetch", () => {
  it.each(['+refs/notes/*:refs/notes/*', 'refs/notes/*:refs/notes/*'])('remote.origin.fetch %s: fetch and push RUN keep every local note', async (spec) => {
    const { bare, mine, own } = await twoClones();
    git(mine, 'config', '--add', 'remote.origin.fetch', spec);
    await ok(mine, ['fetch']);
    expectRunsWithNotes(mine, 3);
    await ok(mine, ['push', 'origin', own[0]!]);
    expectRunsWithNotes(mine, 3);
    expectRunsWithNotes(bare, 2);
    // What tmt last saw of origin is what it pushed, not a copy of the local notes.
    expect(git(mine, 'rev-parse', 'refs/notes/tmt-remotes/origin')).toBe(git(bare, 'rev-parse', 'refs/notes/tmt'));
    await ok(mine, ['push']);
    expectRunsWithNotes(bare, 3);
    expectRunsWithNotes(mine, 3);
    fsck(mine);
  });

  it('remote.origin.fetch +refs/tmt/*:refs/tmt/*: a fetch never moves a local run back to the remote version', async () => {
    const { bare, theirs, mine } = await twoClones();
    await ok(mine, ['fetch']);
    const shared = [...runRefs(theirs).keys()][0]!;
    await ok(mine, ['log', 'metric', 'loss=0.5', '--step', '1', '--run', shared]);
    const moved = runRefs(mine).get(shared)!;
    expect(moved).not.toBe(runRefs(bare).get(shared));
    git(mine, 'config', '--add', 'remote.origin.fetch', '+refs/tmt/*:refs/tmt/*');
    await ok(mine, ['fetch']);
    expect(runRefs(mine).get(shared)).toBe(moved);
    expectRunsWithNotes(mine, 3);
    await ok(mine, ['push']);
    expect(runRefs(bare).get(shared)).toBe(moved);
    expectRunsWithNotes(bare, 3);
    fsck(mine);
  });
});

describe('where pushes go', () => {
  it("a remote whose pushurl differs from its url: push lists, merges and leases at the push URL, and tracks it apart", async () => {
    const fetchSide = bareRepo();
    const pushSide = bareRepo();
    const other = projectWithRemote(pushSide);
    const theirs = await save(other, '-n', 'pushed-by-other');
    await ok(other, ['push']);
    const mine = projectWithRemote(fetchSide);
    git(mine, 'remote', 'set-url', '--push', 'origin', pushSide);
    const own = await save(mine, '-n', 'mine');
    // The push URL has notes tmt has not seen: the push merges them from there, then lands.
    expect(await ok(mine, ['push'])).toMatch(/pushed 1 run and notes to origin, after merging what was there once/);
    expectRunsWithNotes(pushSide, 2);
    expect([...runRefs(pushSide).keys()].sort()).toEqual([theirs, own].sort());
    expect(allRefs(fetchSide).filter((l) => l.startsWith('refs/tmt/') || l.startsWith('refs/notes/'))).toEqual([]);
    expect(git(mine, 'rev-parse', 'refs/notes/tmt-remotes/origin@push')).toBe(git(pushSide, 'rev-parse', 'refs/notes/tmt'));
    expectRunsWithNotes(mine, 2);
    // A fetch reads the url; it does not disturb what the next push leases on.
    expect(await ok(mine, ['fetch'])).toMatch(/up to date with origin \(0 runs there\)/);
    await save(mine, '-n', 'mine-2');
    expect(await ok(mine, ['push'])).toMatch(/^pushed 1 run and notes to origin$/m);
    expectRunsWithNotes(pushSide, 3);
  });

  it("a remote name with '=' in it works for push and fetch, and its tracking ref is set", async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'remote', 'rename', 'origin', 'team=a');
    await save(dir, '-n', 'x');
    await ok(dir, ['push', 'team=a']);
    expectRunsWithNotes(bare, 1);
    expect(git(dir, 'rev-parse', 'refs/notes/tmt-remotes/team%3Da')).toBe(git(bare, 'rev-parse', 'refs/notes/tmt'));
    expect(await ok(dir, ['fetch', 'team=a'])).toMatch(/up to date with team=a/);
  });
});

describe("push and fetch settings in the user's config", () => {
  const settings: Array<[string, string]> = [
    ['push.followTags', 'true'],
    ['push.gpgSign', 'true'],
    ['remote.origin.mirror', 'true'],
    ['remote.origin.push', 'refs/heads/*:refs/heads/*'],
    ['remote.origin.tagOpt', '--tags'],
    ['fetch.pruneTags', 'true'],
  ];
  it.each(settings)('%s=%s: push sends runs and notes only; fetch brings no tag and removes none', async (key, value) => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(bare, 'tag', 'on-remote-only', 'main');
    git(dir, 'tag', '-a', 'local-annotated', '-m', 'a tag of mine');
    git(dir, 'branch', 'private');
    const id = await save(dir, '-n', 'x');
    git(dir, 'config', key, value);
    const before = allRefs(dir).filter((l) => !/^refs\/(tmt|notes|remotes)/.test(l));
    await ok(dir, ['push']);
    const main = git(bare, 'rev-parse', 'main');
    expect(allRefs(bare).map((l) => l.split(' ')[0]).sort()).toEqual(['refs/heads/main', 'refs/notes/tmt', `refs/tmt/runs/${id}`, 'refs/tags/on-remote-only'].sort());
    expect(git(bare, 'rev-parse', 'main')).toBe(main);
    await ok(dir, ['fetch']);
    expect(allRefs(dir).filter((l) => !/^refs\/(tmt|notes|remotes)/.test(l))).toEqual(before);
    expectRunsWithNotes(dir, 1);
  });

  /** A project with a submodule whose newest commit was never pushed anywhere. */
  function projectWithSubmodule(): { bare: string; dir: string; sub: string } {
    const sub = bareRepo();
    projectWithRemote(sub, { 'lib.py': 'v1\n' });
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    git(dir, 'submodule', '-q', 'add', sub, 'sub');
    git(dir, 'commit', '-qm', 'sub');
    git(`${dir}/sub`, 'commit', '-q', '--allow-empty', '-m', 'not pushed');
    git(dir, 'commit', '-qam', 'bump');
    git(dir, 'push', '-q', '--no-recurse-submodules', 'origin', 'main');
    return { bare, dir, sub };
  }

  it.each(['check', 'on-demand'])('push.recurseSubmodules=%s: the runs are pushed, the submodule is neither checked nor pushed', async (mode) => {
    const { bare, dir, sub } = projectWithSubmodule();
    const id = await save(dir, '-n', 'x');
    git(dir, 'config', 'push.recurseSubmodules', mode);
    const subRefs = allRefs(sub);
    await ok(dir, ['push']);
    expect([...runRefs(bare).keys()]).toEqual([id]);
    expect(allRefs(sub)).toEqual(subRefs);
  });

  it.each([['fetch.recurseSubmodules', 'true'], ['submodule.recurse', 'true']])('%s=%s: a fetch does not go into submodules (whose remote is gone here)', async (key, value) => {
    const { bare, dir, sub } = projectWithSubmodule();
    const other = cloneOf(bare);
    await save(other, '-n', 'theirs');
    await ok(other, ['push']);
    git(dir, 'config', key, value);
    fs.rmSync(sub, { recursive: true, force: true });
    expect(await ok(dir, ['fetch'])).toMatch(/1 new run/);
    expectRunsWithNotes(dir, 1);
  });
});
