import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeRefName } from '../src/git/ref-name.js';
import { cleanupTemp, fsck, git, gitRaw, makeRepo, tempDir } from './helpers/git.js';
import { startFakeRefServer, startGitHttp, type GitHttpServer } from './helpers/http-git.js';
import { allRefs, bareRepo, projectWithRemote, runRefs, save } from './helpers/remote.js';
import { tmtAsync } from './helpers/tmt.js';

/** A PATH holding node and nothing else: no git for tmt to find. */
const noGitBin = tempDir('tmt-nogit-bin-');
fs.symlinkSync(process.execPath, path.join(noGitBin, 'node'));
const NO_GIT = { PATH: noGitBin };

const root = tempDir('tmt-http-hostile-');
let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttp(root);
});
afterAll(async () => {
  await server.close();
  cleanupTemp();
});

/** Every file under the git dir with its bytes, to prove a command wrote nothing outside tmt's refs. */
function snapshotGitDir(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

const HOSTILE = [
  'refs/tmt/runs/../../../config',
  'refs/tmt/runs/../../HEAD',
  'refs/tmt/runs/.hidden',
  'refs/tmt/runs/x.lock',
  'refs/tmt/runs/-rf',
  'refs/tmt/runs/a@{1}',
  'refs/tmt/runs/bell\u0007',
  'refs/tmt/runs/back\\slash',
  'refs/tmt/runs//double',
];

describe('ref names a remote advertises', () => {
  it("isSafeRefName agrees with git check-ref-format (and also refuses a component starting with '-')", () => {
    const names = [...HOSTILE, 'refs/tmt/runs/01m85weswcw1z3xn81eh01ggb0', 'refs/notes/tmt', 'refs/heads/-x', 'refs/a/b.', 'refs/a.lock/b', 'refs/a/b/', 'refs/x/@', 'refs/ä', 'refs/a b', 'refs/a~1', 'refs/a^', 'refs/a:b', 'refs/a?', 'refs/a*', 'refs/a[b', 'refs/a\u007f', 'refs/heads/main', 'refs/tmt/runs/x/..'];
    const dir = tempDir();
    for (const name of names) {
      const gitSays = gitRaw(dir, ['check-ref-format', name]).status === 0 && !name.split('/').some((c) => c.startsWith('-'));
      expect(isSafeRefName(name), JSON.stringify(name)).toBe(gitSays);
    }
  });

  it.each(['without git', 'with git'] as const)('a hostile server advertising ref names with "..", ".lock", control characters: %s, nothing outside tmt refs is written', async (mode) => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const head = git(dir, 'rev-parse', 'HEAD');
    // (git itself stops at an object id that is not hex: "protocol error".)
    const badOid = mode === 'without git' ? [[`${head.slice(0, 39)}z`, 'refs/tmt/runs/01m85weswcw1z3xn81eh01ggb0'] as const] : [];
    const evil = await startFakeRefServer([...HOSTILE.map((ref) => [head, ref] as const), ...badOid]);
    try {
      git(dir, 'remote', 'add', 'origin', evil.url('x.git'));
      const before = snapshotGitDir(path.join(dir, '.git'));
      const env = mode === 'without git' ? NO_GIT : {};
      const r = await tmtAsync(dir, ['fetch'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^up to date with origin \(0 runs there\)$/m);
      expect(r.stderr).toMatch(/^warning: ignored \d+ refs on origin that are not a tmt run: "refs\/tmt\/runs\/\.\.\/\.\.\/\.\.\/config"/m);
      expect(r.stderr).not.toMatch(/\u0007/);
      const listed = await tmtAsync(dir, ['list', '--remote', 'origin', '--json'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout).runs).toEqual([]);
      // Not one byte changed in the git dir: config, HEAD, refs.
      const after = snapshotGitDir(path.join(dir, '.git'));
      for (const [file, bytes] of before) if (!file.startsWith('objects/') && file !== 'index') expect(after.get(file), file).toBe(bytes);
      // New files: objects, reflogs, and (native git's wildcard fetch) tracking refs git itself accepts.
      const added = [...after.keys()].filter((f) => !before.has(f) && !/^(objects|logs)\//.test(f));
      expect(added.filter((f) => !(f.startsWith('refs/tmt-remotes/origin/runs/') && gitRaw(dir, ['check-ref-format', f]).status === 0))).toEqual([]);
      expect(allRefs(dir).filter((l) => l.startsWith('refs/tmt/'))).toEqual([]);
      fsck(dir);
    } finally {
      await evil.close();
    }
  });

  it.each(['path', 'http', 'http without git'] as const)('refs under refs/tmt/runs/ that are not run ids never become local runs (%s)', async (mode) => {
    const name = `ids-${mode.replace(/ /g, '-')}.git`;
    const bare = bareRepo(root, name);
    const seed = projectWithRemote(bare);
    const id = await save(seed, '-n', 'real');
    expect((await tmtAsync(seed, ['push'])).code).toBe(0);
    const commit = git(bare, 'rev-parse', `refs/tmt/runs/${id}`);
    // Valid git ref names, but not run ids: a branch-like name, an upper-case id, a nested one.
    for (const bad of ['main', id.toUpperCase(), `${id.slice(0, 25)}/x`]) git(bare, 'update-ref', `refs/tmt/runs/${bad}`, commit);
    const dir = projectWithRemote(mode === 'path' ? bare : server.url(name));
    const r = await tmtAsync(dir, ['fetch'], mode === 'http without git' ? NO_GIT : {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 new run/);
    expect(r.stderr).toMatch(/warning: ignored 3 refs on origin that are not a tmt run/);
    expect([...runRefs(dir).keys()]).toEqual([id]);
    expect(allRefs(dir).filter((l) => l.startsWith('refs/tmt/runs/'))).toHaveLength(1);
    fsck(dir);
  });
});

describe('refs without git', () => {
  it('updateRefs refuses a ref name that would leave <git-dir>/refs/, and writes nothing', async () => {
    const { updateRefs } = await import('../src/git/remote/nogit/refs.js');
    const dir = makeRepo({ 'a.py': 'a\n' });
    const gitDir = path.join(dir, '.git');
    const head = git(dir, 'rev-parse', 'HEAD');
    const config = fs.readFileSync(path.join(gitDir, 'config'), 'utf8');
    for (const ref of ['refs/tmt/runs/../../../config', 'refs/../HEAD', 'config', 'refs/tmt/runs/x.lock']) {
      expect(() => updateRefs(gitDir, [{ ref: 'refs/tmt/runs/ok', newOid: head }, { ref, newOid: head }]), ref).toThrow(/not a valid ref name/);
    }
    expect(fs.readFileSync(path.join(gitDir, 'config'), 'utf8')).toBe(config);
    expect(fs.existsSync(path.join(gitDir, 'refs/tmt/runs/ok'))).toBe(false);
    fsck(dir);
  });
});
