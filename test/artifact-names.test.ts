/**
 * Artifact names are bytes: a tab, a newline, a quote, or a name that is not
 * UTF-8 at all is stored in git exactly as the file system had it, listed
 * as one artifact each (never cut at a tab, never merged), kept byte for
 * byte when the run is updated, and shown on the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, screenshot, useBrowser } from './helpers/browser.js';
import { testEnv } from './helpers/env.js';
import { fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

const browserOf = useBrowser();

/** Name bytes (as Latin-1 strings, so every byte is one char) → content. */
const NAMES: Record<string, string> = {
  'a\tone.txt': 'one\n',
  'a\ttwo.txt': 'two\n',
  'line\nbreak.txt': 'nl\n',
  '"quoted\\back\r': 'q\n',
  'caf\xe9.txt': 'latin-1 name\n',
  'sub/deep\tname.txt': 'deep\n',
};

/** The artifact names in the run's outputs tree, as git lists them (-z: byte-exact), each byte one Latin-1 char. */
function storedNames(dir: string, run: string): string[] {
  const out = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', `refs/tmt/runs/${run}^2`, '--', 'artifacts'], { cwd: dir, env: testEnv });
  return out.toString('latin1').split('\0').filter(Boolean).map((n) => n.slice('artifacts/'.length));
}

const byName = <T extends { path: string }>(xs: T[]) => [...xs].sort((a, b) => (a.path < b.path ? -1 : 1));

describe('artifacts with tabs, newlines, quotes and names that are not UTF-8', () => {
  let dir: string;
  let id: string;
  beforeAll(() => {
    dir = makeRepo({ 'train.py': 'print(1)\n' });
    // The command writes its artifacts by byte names, as Python's open(b'caf\xe9.txt', 'wb') would.
    const emit = path.join(tempDir('tmt-emit-'), 'emit.cjs');
    fs.writeFileSync(
      emit,
      `const fs = require('fs');
const names = ${JSON.stringify(NAMES)};
fs.mkdirSync(process.env.TMT_ARTIFACTS + '/sub', { recursive: true });
for (const [name, content] of Object.entries(names)) fs.writeFileSync(Buffer.from(process.env.TMT_ARTIFACTS + '/' + name, 'latin1'), content);
`,
    );
    const r = tmt(dir, ['record', '-q', '--no-pty', '-n', 'names', '--', process.execPath, emit]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    id = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].id;
  });

  it('are stored in git byte for byte, one entry each', () => {
    expect(storedNames(dir, id).sort()).toEqual(Object.keys(NAMES).sort());
    expect(git(dir, 'cat-file', 'blob', `refs/tmt/runs/${id}^2:artifacts/a\tone.txt`)).toBe('one');
    expect(git(dir, 'cat-file', 'blob', `refs/tmt/runs/${id}^2:artifacts/line\nbreak.txt`)).toBe('nl');
    // The name that is not UTF-8 is the single byte 0xe9 there, not U+FFFD or a UTF-8 é.
    expect(git(dir, 'ls-tree', '-r', '--name-only', `refs/tmt/runs/${id}^2`, '--', 'artifacts')).toContain('"artifacts/caf\\351.txt"');
    fsck(dir);
  });

  it('tmt show --json lists each one whole; a name that is not UTF-8 is read as Latin-1 and says so', () => {
    const r = tmt(dir, ['show', 'names', '--json']);
    expect(r.code).toBe(0);
    const artifacts = JSON.parse(r.stdout).run.artifacts as Array<{ path: string; size: number; pathLatin1?: true }>;
    expect(byName(artifacts)).toEqual(byName(Object.entries(NAMES).map(([name, content]) => ({ path: name, size: content.length, ...(name === 'caf\xe9.txt' ? { pathLatin1: true } : {}) }))));
    // The Latin-1 reading gives back the exact bytes.
    expect(Buffer.from(artifacts.find((a) => a.pathLatin1)!.path, 'latin1')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]));
  });

  it('tmt show quotes names a terminal would act on, as git does', () => {
    const r = tmt(dir, ['show', 'names']);
    const section = r.stdout.slice(r.stdout.indexOf('\nartifacts\n'));
    // One row per artifact: the quoted name, padded to the longest, then the size right-aligned.
    const rows = section.split('\n').slice(2).filter((l) => l.startsWith('  ') && /\d B/.test(l));
    const row = (name: string) => rows.find((l) => l.startsWith(`  ${name} `));
    expect(row('"a\\tone.txt"')).toMatch(/^ {2}"a\\tone\.txt" +4 B$/);
    expect(row('"a\\ttwo.txt"')).toMatch(/^ {2}"a\\ttwo\.txt" +4 B$/);
    expect(row('"line\\nbreak.txt"')).toMatch(/ +3 B$/);
    expect(row('"\\"quoted\\\\back\\r"')).toMatch(/ +2 B$/);
    expect(row('café.txt')).toMatch(/ +13 B \(name not UTF-8, read as Latin-1\)$/);
    expect(row('"sub/deep\\tname.txt"')).toMatch(/ +5 B$/);
    // The sizes line up in one column.
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((l) => l.indexOf(' B'))).size).toBe(1);
  });

  it('adding an artifact to the finished run keeps every other name byte for byte', () => {
    const before = storedNames(dir, id);
    fs.writeFileSync(path.join(dir, 'extra.txt'), 'extra\n');
    const r = tmt(dir, ['log', 'artifact', 'extra.txt', '--run', 'names']);
    expect(r.code).toBe(0);
    expect(storedNames(dir, id).sort()).toEqual([...before, 'extra.txt'].sort());
    fsck(dir);
  });

  it('the page has one row per artifact, with the name whole and the Latin-1 reading marked', async () => {
    const file = path.join(tempDir('tmt-page-'), 'names.html');
    expect(tmt(dir, ['diff', 'names', '-o', file, '--no-open']).code).toBe(0);
    const { page: p, errors } = await load(browserOf(), file);
    const heads = await p.locator('#artifacts tbody th').evaluateAll((ths) => ths.map((th) => th.firstChild!.textContent));
    expect(heads).toEqual(expect.arrayContaining(['a\tone.txt', 'a\ttwo.txt', 'line\nbreak.txt', '"quoted\\back\r', 'café.txt', 'sub/deep\tname.txt']));
    expect(heads).toHaveLength(Object.keys(NAMES).length + 1); // + extra.txt
    expect(await p.locator('#artifacts tr', { hasText: 'café.txt' }).locator('th').innerText()).toContain('name not UTF-8, read as Latin-1');
    await p.locator('#artifacts tr', { hasText: 'two.txt' }).locator('summary').click();
    await expect.poll(() => p.locator('#artifacts tr', { hasText: 'two.txt' }).locator('pre').innerText()).toBe('two\n');
    await screenshot(p, 'artifact-names');
    expect(errors).toEqual([]);
  });
});
