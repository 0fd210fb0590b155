/**
 * Artifact names are bytes: a tab, a newline, a quote, or a name that is not
 * UTF-8 at all is stored in git exactly as the file system had it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

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
});
