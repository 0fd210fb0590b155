/**
 * `tmt checkout` and `tmt branch`: a run's code in a worktree of its own, or
 * on a branch, with the user's working tree, index and branch untouched;
 * and all three ways back (apply too) on runs fetched into a fresh clone,
 * and refused with MISSING_OBJECTS for a run whose objects are not here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, nativeTree, tempDir, writeFiles } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote, save } from './helpers/remote.js';
import { headAndIndex, nestedRepo, ok, oneLineError, statusOf, treeState } from './helpers/tree-state.js';
import { tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);


/** A repository with one run that changed, added and removed files; the working tree dirty again afterwards. */
function project(): { dir: string; id: string; tree: string; base: string } {
  const dir = nestedRepo({ 'train.py': 'lr = 0.1\n', 'old.py': 'old\n', 'run.sh': { content: '#!/bin/sh\n', mode: 0o755 } });
  writeFiles(dir, { 'train.py': 'lr = 0.01\n', 'new/mod.py': 'x = 1\n', link: { symlink: 'train.py' } });
  fs.rmSync(path.join(dir, 'old.py'));
  const id = ok(dir, ['save', '-n', 'exp', '-p', 'lr=0.01']).trim();
  writeFiles(dir, { 'train.py': 'lr = 0.5\n', 'mine.txt': 'untracked\n' });
  return { dir, id, tree: git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`), base: git(dir, 'rev-parse', 'HEAD') };
}

describe('tmt checkout', () => {
  it("puts the run's tree in a new worktree beside the repository; the main tree's status, index and branch are unchanged", () => {
    const { dir, id, tree } = project();
    const status = statusOf(dir);
    const head = headAndIndex(dir);
    const files = treeState(dir);
    const r = tmt(dir, ['checkout', 'exp']);
    expect(r.code, r.stderr).toBe(0);
    const where = r.stdout.trim();
    expect(where).toBe(path.join(path.dirname(dir), `${path.basename(dir)}.tmt`, `exp-${id.slice(0, 12)}`));
    expect(r.stderr).toMatch(/^checked out run \w{12} \(exp\), detached at [0-9a-f]{12}; tmt checkout --remove removes it\n$/);
    expect(git(where, 'rev-parse', 'HEAD^{tree}')).toBe(tree);
    expect(nativeTree(where)).toBe(tree);
    expect(statusOf(where)).toBe('');
    expect(fs.readlinkSync(path.join(where, 'link'))).toBe('train.py');
    expect(fs.statSync(path.join(where, 'run.sh')).mode & 0o100).toBe(0o100);
    expect(statusOf(dir)).toBe(status);
    expect(headAndIndex(dir)).toBe(head);
    expect(treeState(dir)).toEqual(files);

    // A directory of one's choosing, relative to where tmt runs; --json.
    const j = JSON.parse(ok(path.join(dir, 'new'), ['checkout', id.slice(0, 10), '../../elsewhere', '--json']));
    expect(j).toMatchObject({ schemaVersion: 1, path: path.join(path.dirname(dir), 'elsewhere'), run: { id, name: 'exp' }, tree, insideWorkTree: false });
    expect(tmt(dir, ['checkout', 'exp', '../elsewhere'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/already exists/) });

    const list = JSON.parse(ok(dir, ['checkout', '--list', '--json'])).checkouts;
    expect(list.map((c: { path: string; state: string }) => [c.path, c.state])).toEqual([
      [where, 'clean'],
      [j.path, 'clean'],
    ].sort());
    expect(ok(dir, ['checkout', '--list'])).toMatch(/^PATH +RUN +NAME +STATE\n/);
    fsck(dir);
  });

  it('--remove keeps a checkout with changes unless --force; removes by directory or by run', () => {
    const { dir, id } = project();
    const a = ok(dir, ['checkout', 'exp']).trim();
    const b = ok(dir, ['checkout', 'exp']).trim();
    expect(b).toBe(`${a}-2`);
    writeFiles(b, { 'train.py': 'edited in the checkout\n' });
    const refused = tmt(dir, ['checkout', '--remove', 'exp']);
    expect(refused.code).toBe(8);
    expect(refused.stderr).toMatch(oneLineError);
    expect(refused.stderr).toContain(`${b} has changes or new files; nothing was removed`);
    expect(fs.existsSync(a) && fs.existsSync(b)).toBe(true);
    expect(ok(dir, ['checkout', '--remove', a])).toBe(`removed ${a} (run ${id.slice(0, 12)})\n`);
    expect(ok(dir, ['checkout', '--remove', id, '--force'])).toBe(`removed ${b} (run ${id.slice(0, 12)}, with its changes)\n`);
    expect(fs.existsSync(path.dirname(a))).toBe(false); // the <repo>.tmt folder, once empty
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(tmt(dir, ['checkout', '--remove', 'exp'])).toMatchObject({ code: 4, stderr: expect.stringMatching(/has no checkout/) });
    // A worktree tmt did not make is not tmt's to remove.
    const own = path.join(tempDir(), 'own');
    git(dir, 'worktree', 'add', '-q', '--detach', own);
    expect(tmt(dir, ['checkout', '--remove', own])).toMatchObject({ code: 4, stderr: expect.stringMatching(/is not a checkout tmt made/) });
  });
});

describe('tmt branch', () => {
  it("makes a branch whose tip has the run's tree on the base commit; nothing else moves", () => {
    const { dir, id, tree, base } = project();
    const head = headAndIndex(dir);
    const status = statusOf(dir);
    const out = ok(dir, ['branch', 'exp', 'exp/lr']);
    const tip = git(dir, 'rev-parse', 'refs/heads/exp/lr');
    expect(out).toBe(`created branch exp/lr at ${tip.slice(0, 12)}: run ${id.slice(0, 12)} (exp) on ${base.slice(0, 12)}\n`);
    expect(git(dir, 'rev-parse', 'exp/lr^{tree}')).toBe(tree);
    expect(git(dir, 'log', '--format=%H %P', '-2', 'exp/lr').split('\n')).toEqual([`${tip} ${base}`, expect.stringMatching(new RegExp(`^${base}`))]);
    expect(git(dir, 'log', '-1', '--format=%B', 'exp/lr')).toMatch(new RegExp(`^tmt run ${id}: exp\\n\\nparams:\\n  lr: 0\\.01\\nrecorded: \\S+ on branch main\\n\\ntmt-run: ${id}\\n?$`));
    expect(git(dir, 'diff', '--name-status', 'exp/lr~1', 'exp/lr')).toBe('A\tlink\nA\tnew/mod.py\nD\told.py\nM\ttrain.py');
    expect(headAndIndex(dir)).toBe(head);
    expect(statusOf(dir)).toBe(status);

    // Taken names are refused without moving anything; bad names are usage errors.
    const again = tmt(dir, ['branch', 'last', 'exp/lr']);
    expect(again.code).toBe(8);
    expect(again.stderr).toMatch(oneLineError);
    expect(again.stderr).toContain('error: branch exp/lr already exists');
    expect(tmt(dir, ['branch', 'last', 'main'])).toMatchObject({ code: 8 });
    expect(tmt(dir, ['branch', 'last', 'exp'])).toMatchObject({ code: 8, stderr: expect.stringMatching(/branch exp cannot be created: refs\/heads\/exp\/lr exists/) });
    expect(git(dir, 'rev-parse', 'refs/heads/exp/lr')).toBe(tip);
    expect(git(dir, 'rev-parse', 'main')).toBe(base);
    for (const bad of ['a..b', '-x', 'HEAD', '@{-1}', 'has space', 'x.lock']) expect(tmt(dir, ['branch', 'last', bad]).code, bad).toBe(2);
    expect(tmt(dir, ['branch', 'last']).code).toBe(2);

    const j = JSON.parse(ok(dir, ['branch', 'exp', 'as-json', '--json']));
    expect(j).toMatchObject({ schemaVersion: 1, branch: 'as-json', ref: 'refs/heads/as-json', tree, base, run: { id, name: 'exp' } });
    fsck(dir);
  });

  it('a run recorded before the first commit gives a root commit', () => {
    const dir = makeRepo({ 'train.py': 'x\n' }, { commit: false });
    const id = ok(dir, ['save']).trim();
    ok(dir, ['branch', id, 'from-nothing']);
    expect(git(dir, 'log', '--format=%P', 'from-nothing')).toBe('');
    expect(git(dir, 'rev-parse', 'from-nothing^{tree}')).toBe(git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`));
    expect(git(dir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(dir, 'for-each-ref', 'refs/heads/main')).toBe(''); // still unborn
  });
});

describe('runs fetched from a remote, and runs whose objects are missing', () => {
  it('checkout, branch and apply work on runs fetched into a fresh clone', async () => {
    const bare = bareRepo();
    const dir = projectWithRemote(bare, { 'train.py': 'v0\n' });
    writeFiles(dir, { 'train.py': 'v1 from the other clone\n', 'extra.py': 'extra\n' });
    const id = await save(dir, '-n', 'shared');
    const tree = git(dir, 'rev-parse', `refs/tmt/runs/${id}^{tree}`);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const clone = cloneOf(bare);
    expect((await tmtAsync(clone, ['fetch'])).code).toBe(0);
    const where = (await tmtAsync(clone, ['checkout', 'shared'])).stdout.trim();
    expect(git(where, 'rev-parse', 'HEAD^{tree}')).toBe(tree);
    expect((await tmtAsync(clone, ['branch', 'shared', 'from-remote'])).code).toBe(0);
    expect(git(clone, 'rev-parse', 'from-remote^{tree}')).toBe(tree);
    expect(git(clone, 'rev-parse', 'from-remote~1')).toBe(git(clone, 'rev-parse', 'origin/main'));
    const before = treeState(clone);
    expect((await tmtAsync(clone, ['apply', 'shared'])).code).toBe(0);
    expect(nativeTree(clone)).toBe(tree);
    expect((await tmtAsync(clone, ['apply', '--undo'])).code).toBe(0);
    expect(treeState(clone)).toEqual(before);
    // What apply saved stays here: a push sends runs and notes, never refs/tmt-saved/.
    expect(git(clone, 'for-each-ref', '--format=%(refname)', 'refs/tmt-saved/')).not.toBe('');
    await save(clone, '-n', 'from-clone');
    expect((await tmtAsync(clone, ['push'])).code).toBe(0);
    expect(git(bare, 'for-each-ref', '--format=%(refname)').split('\n').filter((r) => !/^refs\/(heads\/main|notes\/tmt|tmt\/runs\/\w+)$/.test(r))).toEqual([]);
    fsck(clone);
  });

  it('a run whose objects are not here: checkout, branch and apply name it and suggest tmt fetch (exit 4), changing nothing', () => {
    const { dir, id } = project();
    const blob = git(dir, 'rev-parse', `refs/tmt/runs/${id}:new/mod.py`);
    fs.rmSync(path.join(dir, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const before = treeState(dir);
    for (const args of [['checkout', 'exp'], ['branch', 'exp', 'b'], ['apply', 'exp']]) {
      const r = tmt(dir, args);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toMatch(oneLineError);
      expect(r.stderr).toContain(`error: run ${id.slice(0, 12)} (exp): its code (its snapshot) is not complete in this repository (object ${blob.slice(0, 12)} is missing)`);
      expect(r.stderr).toContain('tmt fetch');
    }
    expect(treeState(dir)).toEqual(before);
    expect(git(dir, 'branch', '--list', 'b')).toBe('');
    expect(git(dir, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  });
});
