import { describe, expect, it } from 'vitest';
import { mergeMeta } from '../src/sync/merge-meta.js';
import { chooseRemote, isUrlLike, parseRemoteConfig } from '../src/git/remote/which-remote.js';
import { judgePush, parsePorcelain } from '../src/git/remote/native/push-report.js';
import { classifyRemoteFailure } from '../src/git/remote/errors.js';
import type { RunMeta } from '../src/index.js';

const base: RunMeta = {
  schemaVersion: 1,
  id: '01m85weswcw1z3xn81eh01ggb0',
  name: 'base',
  tags: ['a', 'b'],
  status: 'finished',
  params: { lr: 0.1, seed: 1 },
  metrics: { acc: { first: 0.1, last: 0.5, min: 0.1, max: 0.5, count: 2 } },
  started: '2026-01-01T00:00:00.000Z',
  ended: '2026-01-01T00:01:00.000Z',
  git: { base: 'c0ffee', dirty: false, tree: 'beef' },
};

const edit = (at: string, change: Partial<RunMeta>): RunMeta => ({ ...structuredClone(base), ...change, updated: at });

describe('merging two edits of one run record', () => {
  it('a field changed on one side takes that side; both: the later edit; the result does not depend on which side is local', () => {
    const here = edit('2026-01-02T00:00:00.000Z', { name: 'renamed' });
    const there = edit('2026-01-03T00:00:00.000Z', { description: 'checked by hand' });
    const m = mergeMeta(base, here, there);
    expect(m).toMatchObject({ name: 'renamed', description: 'checked by hand', updated: '2026-01-03T00:00:00.000Z' });
    expect(mergeMeta(base, there, here)).toEqual(m);
    const later = mergeMeta(base, edit('2026-01-02T00:00:00.000Z', { name: 'first' }), edit('2026-01-04T00:00:00.000Z', { name: 'second' }));
    expect(later.name).toBe('second');
    // Same instant: both clones still pick the same one.
    const x = edit('2026-01-05T00:00:00.000Z', { name: 'x' });
    const y = edit('2026-01-05T00:00:00.000Z', { name: 'y' });
    expect(mergeMeta(base, x, y)).toEqual(mergeMeta(base, y, x));
  });

  it('tags: both sides\' additions kept, a removal on one side kept unless the other added it; params and metrics key by key', () => {
    const here = edit('2026-01-02T00:00:00.000Z', { tags: ['a', 'b', 'here'], params: { lr: 0.5, seed: 1 } });
    const there = edit('2026-01-03T00:00:00.000Z', {
      tags: ['b', 'there'],
      params: { lr: 0.1, seed: 1, batch: 64 },
      metrics: { ...base.metrics, loss: { first: 2, last: 1, min: 1, max: 2, count: 2 } },
    });
    const m = mergeMeta(base, here, there);
    expect([...m.tags].sort()).toEqual(['b', 'here', 'there']);
    expect(m.params).toEqual({ lr: 0.5, seed: 1, batch: 64 });
    expect(Object.keys(m.metrics).sort()).toEqual(['acc', 'loss']);
    // Field order stays the one tmt writes.
    expect(Object.keys(m).slice(0, 5)).toEqual(['schemaVersion', 'id', 'name', 'tags', 'status']);
  });

  it('with no common version (two histories that never met): a union, the later edit winning clashes', () => {
    const one = edit('2026-01-02T00:00:00.000Z', { name: 'one', tags: ['x'], params: { lr: 1 } });
    const two = edit('2026-01-03T00:00:00.000Z', { name: 'two', tags: ['y'], params: { seed: 2 } });
    const m = mergeMeta(undefined, one, two);
    expect(m).toMatchObject({ name: 'two', params: { lr: 1, seed: 2 } });
    expect([...m.tags].sort()).toEqual(['x', 'y']);
  });
});

describe('naming the remote', () => {
  const config = parseRemoteConfig('remote.origin.url\n/srv/a.git\0remote.up/stream.url\nhttps://h/b.git\0branch.main.remote\nup/stream\0', 'main');

  it('the upstream remote by default, origin otherwise; names, URLs and paths; tracking keys that stay ref-safe', () => {
    expect(chooseRemote(config, undefined, '/')).toMatchObject({ arg: 'up/stream', url: 'https://h/b.git', pushUrl: 'https://h/b.git', key: 'up%2Fstream' });
    expect(chooseRemote(parseRemoteConfig('remote.origin.url\n/srv/a.git\0', 'main'), undefined, '/').arg).toBe('origin');
    expect(chooseRemote(config, 'https://x/y.git', '/').key).toMatch(/^url-[0-9a-f]{16}$/);
    expect(chooseRemote(config, '/tmp', '/')).toMatchObject({ arg: '/tmp', url: '/tmp' });
    expect(() => chooseRemote(config, 'orgin', '/')).toThrow(/unknown remote "orgin"/);
    expect(() => chooseRemote(parseRemoteConfig('', 'main'), undefined, '/')).toThrow(/no remote given, and this repository has no origin/);
  });

  it('tells places from names', () => {
    for (const url of ['https://github.com/o/r.git', 'ssh://git@h/r', 'git@github.com:org/repo.git', 'file:///srv/r.git', '/srv/r.git', './r.git', '../r.git']) expect(isUrlLike(url, '/'), url).toBe(true);
    for (const name of ['origin', 'upstream', 'my-fork']) expect(isUrlLike(name, '/nonexistent-dir'), name).toBe(false);
  });
});

describe("reading git push's report", () => {
  it('a race is worth a retry; a refusal is a one-line error with the remote\'s reason', () => {
    const raced = parsePorcelain('To /srv/r.git\n=\trefs/tmt/runs/a:refs/tmt/runs/a\t[up to date]\n!\trefs/notes/tmt:refs/notes/tmt\t[rejected] (stale info)\nDone\n');
    expect(judgePush(raced, '', 'origin')).toEqual({ ok: false, reason: 'refs/notes/tmt [rejected] (stale info)' });
    const refused = parsePorcelain('!\trefs/tmt/runs/a:refs/tmt/runs/a\t[remote rejected] (pre-receive hook declined)\n');
    expect(() => judgePush(refused, 'remote: frozen        \n', 'origin')).toThrow('origin refused the push of refs/tmt/runs/a: pre-receive hook declined (frozen)');
    expect(judgePush(parsePorcelain('*\trefs/notes/tmt:refs/notes/tmt\t[new reference]\n'), '', 'o')).toMatchObject({ ok: true });
    // An atomic push marks every ref alike; the cause is in what the remote said, here a lock file.
    const atomic = parsePorcelain('!\tHEAD:refs/notes/tmt\t[remote rejected] (atomic transaction failed)\n!\tHEAD:refs/tmt/runs/a\t[remote rejected] (atomic transaction failed)\n');
    const said = "remote: error: cannot lock ref 'refs/tmt/runs/a': Unable to create '/srv/r.git/./refs/tmt/runs/a.lock': File exists.        \nremote: \n";
    expect(judgePush(atomic, said, 'origin')).toEqual({ ok: false, reason: "cannot lock ref 'refs/tmt/runs/a': Unable to create '/srv/r.git/./refs/tmt/runs/a.lock': File exists.", lock: '/srv/r.git/./refs/tmt/runs/a.lock' });
  });

  it("classifies git's transport failures", () => {
    expect(classifyRemoteFailure("fatal: Authentication failed for 'http://h/r.git/'\n", 'o')?.code).toBe('AUTH_FAILED');
    expect(classifyRemoteFailure("fatal: could not read Username for 'https://h': terminal prompts disabled\n", 'o')?.code).toBe('AUTH_FAILED');
    expect(classifyRemoteFailure('git@h: Permission denied (publickey).\nfatal: Could not read from remote repository.\n', 'o')?.code).toBe('AUTH_FAILED');
    expect(classifyRemoteFailure("fatal: '/x.git' does not appear to be a git repository\n", 'o')?.code).toBe('REMOTE_UNREACHABLE');
    expect(classifyRemoteFailure('fatal: unable to access \'https://h/\': Could not resolve host: h\n', 'o')?.code).toBe('REMOTE_UNREACHABLE');
    expect(classifyRemoteFailure('fatal: unable to read 4531133617352d9c58ea23ec78c3a3760d30157b\n', 'o')?.code).toBe('MISSING_OBJECTS');
    // A hook's own words are the remote's, not git's verdict here.
    expect(classifyRemoteFailure('remote: access denied for the release branch\n', 'o')).toBeUndefined();
  });
});

describe('credentials in URLs', () => {
  it('user-info and query values are replaced wherever a URL appears in a text', async () => {
    const { redactUrls } = await import('../src/git/remote/redact.js');
    expect(redactUrls('https://user:tok@host/r.git')).toBe('https://***@host/r.git');
    expect(redactUrls("fatal: unable to access 'https://x-access-token:ghp_abc@github.com/o/r.git/': 403")).toBe("fatal: unable to access 'https://***@github.com/o/r.git/': 403");
    expect(redactUrls('http://u:p@ss@host:8080/r?private_token=abc&x=1#frag')).toBe('http://***@host:8080/r?private_token=***&x=***#frag');
    expect(redactUrls('ghp_token@host')).toBe('ghp_token@host'); // not a URL: an ssh user name
    expect(redactUrls('git@github.com:org/repo.git and /srv/r.git')).toBe('git@github.com:org/repo.git and /srv/r.git');
    expect(redactUrls('ssh://git@host/r.git')).toBe('ssh://***@host/r.git');
  });
});
