import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck } from './helpers/git.js';
import { allRefs, bareRepo, cloneOf, expectRunsWithNotes, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

async function ok(dir: string, args: string[]): Promise<string> {
  const r = await tmtAsync(dir, args);
  expect(r.code, `tmt ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A remote where a teammate pushed a run after mine: mine is older there, theirs is not here. */
async function teammatePushedLater(): Promise<{ bare: string; mine: string; own: string; theirs: string }> {
  const bare = bareRepo();
  const mine = projectWithRemote(bare);
  const own = await save(mine, '-n', 'mine');
  await ok(mine, ['push']);
  const teammate = cloneOf(bare);
  await new Promise((resolve) => setTimeout(resolve, 5)); // a later run id
  const theirs = await save(teammate, '-n', 'theirs');
  await ok(teammate, ['push']);
  return { bare, mine, own, theirs };
}

describe('rm --remote chooses runs as they are here', () => {
  it("`last` is this clone's last run, not a newer one the fetch brings in", async () => {
    const { bare, mine, own, theirs } = await teammatePushedLater();
    expect(theirs > own).toBe(true);
    const out = await ok(mine, ['rm', '--remote', 'origin', 'last']);
    expect(out).toMatch(new RegExp(`^deleted run ${own} \\(mine\\) here and on origin; it was [0-9a-f]{40}$`, 'm'));
    expect([...runRefs(bare).keys()]).toEqual([theirs]);
    expectRunsWithNotes(bare, 1);
    expect([...runRefs(mine).keys()]).toEqual([theirs]);
    expectRunsWithNotes(mine, 1);
  });

  it('a run that was not here before (named by a selector that fits only a remote run) needs --yes', async () => {
    const { bare, mine, own, theirs } = await teammatePushedLater();
    const remoteBefore = allRefs(bare);
    const refused = await tmtAsync(mine, ['rm', '--remote', 'origin', theirs.slice(0, 12)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^error: refusing to delete 1 run here and on origin without --yes \\(1 of them was not here before: ${theirs.slice(0, 12)}\\)$`, 'm'));
    expect(allRefs(bare)).toEqual(remoteBefore);
    // --where sees the remote's runs too: again only with --yes. (The refused
    // command above fetched, so `theirs` is here now; a fresh pair shows it.)
    const other = await teammatePushedLater();
    const otherBefore = allRefs(other.bare);
    const byWhere = await tmtAsync(other.mine, ['rm', '--remote', 'origin', '--where', "name = 'theirs'"]);
    expect(byWhere.code).toBe(2);
    expect(byWhere.stderr).toMatch(/not here before/);
    expect(allRefs(other.bare)).toEqual(otherBefore);
    // With --yes, on a clone the run never reached: deleted there, said so.
    const third = await teammatePushedLater();
    const out = await ok(third.mine, ['rm', '--remote', 'origin', third.theirs.slice(0, 12), '--yes']);
    expect(out).toMatch(new RegExp(`^deleted run ${third.theirs} \\(theirs\\) on origin \\(it is not here and was not before\\); it was [0-9a-f]{40}$`, 'm'));
    expect([...runRefs(third.bare).keys()]).toEqual([third.own]);
    expectRunsWithNotes(third.bare, 1);
    expectRunsWithNotes(third.mine, 1);
    // The refused command fetched (as tmt fetch would), so the run is here now: deleted in both places.
    const again = await ok(mine, ['rm', '--remote', 'origin', theirs.slice(0, 12)]);
    expect(again).toMatch(new RegExp(`^deleted run ${theirs} \\(theirs\\) here and on origin; it was [0-9a-f]{40}$`, 'm'));
    expect([...runRefs(bare).keys()]).toEqual([own]);
    expectRunsWithNotes(bare, 1);
    expectRunsWithNotes(mine, 1);
  });

  it('--dry-run changes nothing anywhere (no fetch, no merge, no tracking ref) and says what would go where', async () => {
    const { bare, mine, own, theirs } = await teammatePushedLater();
    const local = await save(mine, '-n', 'local-only');
    const [here, there] = [allRefs(mine), allRefs(bare)];
    const out = await ok(mine, ['rm', '--remote', 'origin', '--dry-run', own, local, theirs.slice(0, 10)]);
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
    expect(out).toContain(`would delete run ${own} (mine) here and on origin; it is `);
    expect(out).toContain(`would delete run ${theirs} on origin (it is not here); it is ${runRefs(bare).get(theirs)}`);
    expect(out).toContain(`would delete run ${local} (local-only) here (origin does not have it); it is `);
    const json = JSON.parse(await ok(mine, ['rm', '--remote', 'origin', '--dry-run', '--json', theirs.slice(0, 10)]));
    expect(json).toEqual({ schemaVersion: 1, dryRun: true, removed: [{ id: theirs, commit: runRefs(bare).get(theirs), here: false, remote: true }] });
    // --where cannot see the remote's runs without a fetch: the dry run says so.
    const byWhere = await tmtAsync(mine, ['rm', '--remote', 'origin', '--dry-run', '--where', "name = 'theirs'"]);
    expect(byWhere.code).toBe(0);
    expect(byWhere.stderr).toMatch(/^warning: --where was matched against the runs here only; without --dry-run tmt fetches first/m);
    expect(allRefs(mine)).toEqual(here);
    expect(allRefs(bare)).toEqual(there);
    fsck(mine);
  });
});
