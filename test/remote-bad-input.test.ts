import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, tempDir, writeFiles } from './helpers/git.js';
import { startGitHttp, type GitHttpServer } from './helpers/http-git.js';
import { allRefs, bareRepo, cloneOf, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { tmtAsync, type TmtResult } from './helpers/tmt.js';

const root = tempDir('tmt-http-auth-');
const creds = { user: 'alice', password: 's3cret' };
let server: GitHttpServer;

beforeAll(async () => {
  server = await startGitHttp(root, creds);
});
afterAll(async () => {
  await server.close();
  cleanupTemp();
});

/** One error line, one hint line, the given exit code. */
function expectOneLineError(r: TmtResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('tmt: '));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: /);
}

/** Refs that are local data (runs, notes, branches), excluding tmt's tracking of remotes. */
function localData(dir: string): string[] {
  return allRefs(dir).filter((l) => !/ ?refs\/(tmt-remotes|notes\/tmt-remotes)\//.test(l));
}

async function repoWithRuns(url: string): Promise<{ dir: string; ids: string[] }> {
  const dir = projectWithRemote(url);
  return { dir, ids: [await save(dir, '-n', 'one', '-m', 'acc=0.5'), await save(dir, '-n', 'two')] };
}

describe('bad input to push, fetch and list --remote', () => {
  it('an unknown remote: a one-line error naming the configured ones, nothing changes', async () => {
    const { dir } = await repoWithRuns(bareRepo());
    const before = allRefs(dir);
    expectOneLineError(await tmtAsync(dir, ['push', 'orgin']), 4, /"orgin" is neither a remote nor a run/);
    expectOneLineError(await tmtAsync(dir, ['fetch', 'orgin']), 4, /unknown remote "orgin"/);
    expectOneLineError(await tmtAsync(dir, ['list', '--remote', 'orgin']), 4, /unknown remote "orgin"/);
    expect((await tmtAsync(dir, ['fetch', 'orgin'])).stderr).toMatch(/^hint: configured remotes: origin$/m);
    expect((await tmtAsync(dir, ['push', 'orgin'])).stderr).toMatch(/^hint: configured remotes: origin; /m);
    git(dir, 'remote', 'remove', 'origin');
    expectOneLineError(await tmtAsync(dir, ['push']), 4, /no remote given, and this repository has no origin/);
    expectOneLineError(await tmtAsync(dir, ['push', 'orgin']), 4, /^error: "orgin" is not a remote, and this repository has no origin$/);
    expect(allRefs(dir)).toEqual(before.filter((l) => !l.includes('refs/remotes/')));
  });

  it('a remote that cannot be reached: a path that is not a repository, a closed port', async () => {
    const { dir } = await repoWithRuns(bareRepo());
    const before = localData(dir);
    const missing = await tmtAsync(dir, ['push', path.join(tempDir(), 'missing.git')]);
    expectOneLineError(missing, 7, /cannot reach .*missing\.git.*does not appear to be a git repository/);
    expect(missing.stderr).toMatch(/^hint: check that \/.*missing\.git is a git repository you can reach/m);
    expectOneLineError(await tmtAsync(dir, ['fetch', 'http://127.0.0.1:9/nothing.git']), 7, /cannot reach http:\/\/127\.0\.0\.1:9\/nothing\.git \(.*(Failed to connect|Connection refused)/);
    expectOneLineError(await tmtAsync(dir, ['list', '--remote', 'http://127.0.0.1:9/nothing.git']), 7, /cannot reach/);
    expect(localData(dir)).toEqual(before);
    fsck(dir);
  });

  it('failed authentication over HTTP (wrong password, no password, no prompt): a one-line error', async () => {
    const bare = bareRepo(root, 'auth.git');
    const good = server.url('auth.git', creds);
    const { dir } = await repoWithRuns(good);
    const before = localData(dir);
    const env = { GIT_TERMINAL_PROMPT: '0' };
    expectOneLineError(await tmtAsync(dir, ['push', server.url('auth.git', { user: 'alice', password: 'wrong' })], env), 7, /authentication failed \(Authentication failed for/);
    expectOneLineError(await tmtAsync(dir, ['fetch', server.url('auth.git')], env), 7, /authentication failed .*(could not read Username|terminal prompts disabled)/);
    expect(localData(dir)).toEqual(before);
    expect(runRefs(bare).size).toBe(0);
    // The right password works.
    expect((await tmtAsync(dir, ['push', good], env)).code).toBe(0);
    expect(runRefs(bare).size).toBe(2);
  });

  it('a lock file a crashed git left on the remote: after a few seconds of retries, one line naming it; removed, the push goes through', async () => {
    const bare = bareRepo();
    const { dir, ids } = await repoWithRuns(bare);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    await save(dir, '-n', 'three');
    const lock = path.join(bare, 'refs/notes/tmt.lock');
    fs.writeFileSync(lock, '');
    const remote = allRefs(bare);
    const started = Date.now();
    const r = await tmtAsync(dir, ['push']);
    expect(Date.now() - started).toBeLessThan(30_000); // not the two minutes a moving remote gets
    expectOneLineError(r, 5, /^error: origin has a lock file that stays: .*refs\/notes\/tmt\.lock$/);
    expect(r.stderr).toMatch(/hint: a git process there may have crashed; if no other push to origin is running, remove that file there and push again/);
    expect(allRefs(bare)).toEqual(remote);
    fs.rmSync(lock);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    expect(runRefs(bare).size).toBe(ids.length + 1);
    fsck(bare);
  });

  it('a push the remote refuses (pre-receive hook): one line with its reason; nothing changes on either side', async () => {
    const bare = bareRepo();
    const { dir } = await repoWithRuns(bare);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    await save(dir, '-n', 'three');
    fs.writeFileSync(path.join(bare, 'hooks/pre-receive'), '#!/bin/sh\necho "frozen for the release" >&2\nexit 1\n', { mode: 0o755 });
    const local = allRefs(dir);
    const remote = allRefs(bare);
    const r = await tmtAsync(dir, ['push']);
    expectOneLineError(r, 7, /origin refused the push of refs\/.*: pre-receive hook declined \(frozen for the release\)/);
    expect(allRefs(dir)).toEqual(local);
    expect(allRefs(bare)).toEqual(remote);
    fsck(dir);
    fsck(bare);
  });

  it("a remote whose refs/notes/tmt holds another tool's notes: nothing merged, nothing local changed", async () => {
    const bare = bareRepo();
    const { dir } = await repoWithRuns(bare);
    const other = cloneOf(bare);
    git(other, 'notes', '--ref=tmt', 'add', '-m', 'Reviewed-by: Bob', 'HEAD');
    git(other, 'push', '-q', 'origin', 'refs/notes/tmt');
    const before = localData(dir);
    expectOneLineError(await tmtAsync(dir, ['fetch']), 7, /origin's refs\/notes\/tmt holds notes tmt did not write \(on [0-9a-f]{12}: no schemaVersion\); nothing was merged/);
    expectOneLineError(await tmtAsync(dir, ['push']), 7, /holds notes tmt did not write/);
    expect(localData(dir)).toEqual(before);
    expect(git(bare, 'notes', '--ref=tmt', 'show', 'main')).toBe('Reviewed-by: Bob');
    expect(runRefs(bare).size).toBe(0);
    expect(git(dir, 'for-each-ref', 'refs/notes/tmt-work/')).toBe('');
    fsck(dir);
  });

  it('a damaged tmt note that was pushed: a fresh clone still fetches every run, lists that one as unreadable, and says so', async () => {
    const bare = bareRepo();
    const { dir, ids } = await repoWithRuns(bare);
    const [good, bad] = ids as [string, string];
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${bad}`);
    const damaged = git(dir, 'notes', '--ref=tmt', 'show', commit).replace(/^tags: .*$/m, 'tags: 5');
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', damaged, commit);
    await tmtAsync(dir, ['push']);
    const clone = cloneOf(bare);
    const r = await tmtAsync(clone, ['fetch']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: run ${bad} came from origin with a damaged note \\(field "tags" is not .*\\): it is listed as unreadable;`, 'm'));
    expect([...runRefs(clone).keys()].sort()).toEqual([good, bad].sort());
    const listed = JSON.parse((await tmtAsync(clone, ['list', '--json'])).stdout).runs;
    expect(listed.find((x: { id: string }) => x.id === good)).toMatchObject({ name: 'one', status: 'finished' });
    expect(listed.find((x: { id: string }) => x.id === bad)).toMatchObject({ status: 'unreadable' });
    // The note came over byte for byte; fixing it on the first clone and pushing mends it on the second.
    expect(git(clone, 'notes', '--ref=tmt', 'show', commit)).toBe(damaged);
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', damaged.replace('tags: 5', 'tags: []'), commit);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    expect(JSON.parse((await tmtAsync(clone, ['show', bad, '--json'])).stdout).run.meta.name).toBe('two');
    // A note a newer tmt rewrote, on a run both clones have: the clone that cannot read it keeps it
    // as it came (unreadable here), and its next push does not put the old version back.
    const newer = git(dir, 'notes', '--ref=tmt', 'show', commit).replace(/^schemaVersion: 1$/m, 'schemaVersion: 99');
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', newer, commit);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const f = await tmtAsync(clone, ['fetch']);
    expect(f.stderr).toMatch(new RegExp(`^warning: run ${bad} came from origin with a damaged note \\(schemaVersion 99 is newer than this tmt understands\\)`, 'm'));
    expect(git(clone, 'notes', '--ref=tmt', 'show', commit)).toBe(newer);
    expect(JSON.parse((await tmtAsync(clone, ['list', '--json'])).stdout).runs.find((x: { id: string }) => x.id === bad).status).toBe('unreadable');
    await tmtAsync(clone, ['push']);
    expect(git(bare, 'notes', '--ref=tmt', 'show', commit)).toBe(newer);
    fsck(clone);
  });

  it('a run whose objects are missing here: the error names the run; the others push by name', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare);
    const good = await save(dir, '-n', 'good');
    writeFiles(dir, { 'only-in-broken.txt': 'unique content of the broken run\n' });
    const broken = await save(dir, '-n', 'broken');
    const blob = git(dir, 'rev-parse', `refs/tmt/runs/${broken}:only-in-broken.txt`);
    fs.rmSync(path.join(dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const before = localData(dir);
    const r = await tmtAsync(dir, ['push']);
    expectOneLineError(r, 4, new RegExp(`run ${broken} cannot be pushed: an object it needs is missing here \\(${blob}\\)`));
    expect(runRefs(bare).size).toBe(0); // atomic: nothing went
    expect(localData(dir)).toEqual(before);
    expect((await tmtAsync(dir, ['push', 'origin', good])).code).toBe(0);
    expect([...runRefs(bare).keys()]).toEqual([good]);
  });
});

describe('a remote argument that git would read as an option', () => {
  it("is refused before git runs (fetch, list --remote, push), and git never takes a remote as an option", async () => {
    const { dir } = await repoWithRuns(bareRepo());
    const before = localData(dir);
    const cases: Array<[string[], string]> = [
      [['fetch', '--', '--upload-pack=touch${IFS}PWN1;:x'], 'PWN1'],
      [['list', '--remote=--upload-pack=touch${IFS}PWN2;:x'], 'PWN2'],
      [['push', '--', '--receive-pack=touch${IFS}PWN3;:x'], 'PWN3'],
      [['push', '--', '--receive-pack=touch${IFS}PWN4;:x', 'last'], 'PWN4'],
    ];
    for (const [args, file] of cases) {
      const r = await tmtAsync(dir, args);
      expectOneLineError(r, 4, /^error: "--(upload|receive)-pack=touch\$\{IFS\}PWN\d;:x" cannot be a remote: it starts with "-"$/);
      expect(fs.existsSync(path.join(dir, file)), `${args.join(' ')} ran a command`).toBe(false);
    }
    // --remote takes an optional value: a separate word starting with '-' is an option, and unknown.
    const asOption = await tmtAsync(dir, ['list', '--remote', '--upload-pack=touch${IFS}PWN7;:x']);
    expect(asOption.code).toBe(2);
    expect(asOption.stderr).toMatch(/^error: unknown option '--upload-pack=/);
    expect(fs.existsSync(path.join(dir, 'PWN7'))).toBe(false);
    // A configured remote whose URL starts with '-' reaches git as a URL, never as an option.
    git(dir, 'config', 'remote.evil.url', '--receive-pack=touch${IFS}PWN5;:x');
    git(dir, 'config', 'remote.evil2.url', '--upload-pack=touch${IFS}PWN6;:x');
    for (const args of [['push', 'evil'], ['fetch', 'evil2'], ['list', '--remote', 'evil2']]) {
      const r = await tmtAsync(dir, args);
      expect(r.code, r.stderr).toBe(7);
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('PWN'))).toEqual([]);
    expect(localData(dir)).toEqual(before);
  });
});

describe('credentials in a remote URL', () => {
  it('never appear in what tmt prints: errors, hints, progress, summaries, --json; with git and without', async () => {
    const noGitBin = tempDir('tmt-nogit-bin-');
    fs.symlinkSync(process.execPath, path.join(noGitBin, 'node'));
    bareRepo(root, 'creds.git');
    const good = server.url('creds.git', creds);
    const { dir, ids } = await repoWithRuns(bareRepo());
    const printed: string[] = [];
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const r = await tmtAsync(dir, args, { GIT_TERMINAL_PROMPT: '0', ...env });
      printed.push(`$ tmt ${args[0]} (#${printed.length})\n${r.stdout}${r.stderr}`);
      return r;
    };
    const noGit = { PATH: noGitBin };
    // Unreachable, by URL and as a configured remote; with the secret in the user-info or the query string.
    git(dir, 'remote', 'add', 'secretive', 'http://alice:s3cret@127.0.0.1:9/x.git');
    for (const url of ['http://alice:s3cret@127.0.0.1:9/x.git', 'http://127.0.0.1:9/x.git?private_token=s3cret', 'secretive']) {
      for (const env of [{}, noGit]) {
        expect((await run(['fetch', url], env)).code).toBe(7);
        expect((await run(['push', url], env)).code).toBe(7);
        expect((await run(['list', '--remote', url], env)).code).toBe(7);
      }
      expect((await run(['rm', '--remote', url, ids[0]!, '--yes'])).code).toBe(7);
    }
    // A wrong password that contains the secret.
    expect((await run(['push', server.url('creds.git', { user: 'alice', password: 's3cret-wrong' })])).code).toBe(7);
    // The right one: every command goes through, with and without --json.
    for (const env of [{}, noGit]) {
      expect((await run(['push', good], env)).code).toBe(0);
      expect((await run(['push', good, '--json'], env)).code).toBe(0);
      expect((await run(['fetch', good, '--json'], env)).code).toBe(0);
      expect((await run(['list', '--remote', good], env)).code).toBe(0);
    }
    expect((await run(['rm', '--remote', good, ids[1]!, '--json'])).code).toBe(0);
    const all = printed.join("\n");
    if (process.env.SHOW_OUTPUT) console.log(all);
    expect(all).toMatch(/http:\/\/\*\*\*@127\.0\.0\.1/);
    expect(all).toMatch(/private_token=\*\*\*/);
    expect(all).not.toContain('s3cret');
  });
});
