import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, git, makeRepo, tempDir } from './helpers/git.js';
import { BIN, tmt } from './helpers/tmt.js';
import { tmtWithin } from './helpers/tmt-within.js';

afterAll(cleanupTemp);

/** Everything tmt could have written: its refs and notes. */
const refs = (dir: string) => git(dir, 'for-each-ref', 'refs/tmt', 'refs/notes');

describe('regexes cannot hang a query (issue 11, item 6)', () => {
  // 64 a's then a !: a backtracking engine tries 2^64 ways to split the a's before giving up.
  const name = `${'a'.repeat(64)}!`;
  const repo = () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    expect(tmt(dir, ['save', '-n', name, '-p', `text=${'a'.repeat(10_000)}!`]).code).toBe(0);
    return dir;
  };
  const listed = (r: { code: number; stdout: string; stderr: string }) => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { runs: Array<{ name: string }> }).runs.map((run) => run.name);
  };

  it('catastrophic patterns in --name, ~ and !~ answer at once', () => {
    const dir = repo();
    expect(listed(tmtWithin(20_000, dir, ['list', '--json', '--name', '(a+)+$']))).toEqual([]);
    expect(listed(tmtWithin(20_000, dir, ['list', '--json', '--where', 'name ~ "(a|aa)+$"']))).toEqual([]);
    expect(listed(tmtWithin(20_000, dir, ['list', '--json', '--where', 'params.text !~ "^(a*)*$"']))).toEqual([name]);
    expect(listed(tmtWithin(20_000, dir, ['list', '--json', '--name', '(?i)^(A+)+!$']))).toEqual([name]);
  });

  it('backreferences and lookaround are refused in one line with a hint', () => {
    const dir = repo();
    const hint = "hint: tmt matches regexes in linear time, which rules these out; see the README section 'Regular expressions'\n";
    expect(tmt(dir, ['list', '--name', '(a)\\1'])).toMatchObject({ code: 2, stdout: '', stderr: `error: --name: invalid regular expression: backreferences (\\1) are not supported\n${hint}` });
    const r = tmt(dir, ['list', '--where', 'name ~ "a(?!b)"']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --where: expected a valid regular expression, found "a(?!b)" (lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported) at column 8\n  name ~ "a(?!b)"\n         ^\n${hint}`);
  });
});

describe('files tmt reads have a size cap and never block (issue 11, item 7)', () => {
  const refused = (dir: string, file: string, why: string) => {
    const r = tmtWithin(20_000, dir, ['record', '--params-file', file, '--', 'true']);
    expect(r.stderr).toBe(`error: --params-file: ${file} ${why}\nhint: give a regular YAML or JSON file of params, of at most 16 MiB\n`);
    expect(r.code).toBe(2);
    expect(refs(dir)).toBe('');
  };

  it('--params-file /dev/zero is refused at once, before any run exists', () => {
    refused(makeRepo({ 'a.py': 'a\n' }), '/dev/zero', 'is a character device, not a regular file');
  });

  it('a FIFO nobody writes to is refused, not waited on', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const fifo = path.join(tempDir(), 'params.yaml');
    execFileSync('mkfifo', [fifo]);
    refused(dir, fifo, 'is a pipe, not a regular file');
  });

  it('a params file over 16 MiB is refused; one of 16 MiB is read', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const file = path.join(tempDir(), 'params.yaml');
    // A comment line padded to the size, then one param.
    const sized = (bytes: number) => fs.writeFileSync(file, `#${' '.repeat(bytes - 8)}\nlr: 1\n`);
    sized(16 * 1024 * 1024 + 1);
    refused(dir, file, 'is larger than 16 MiB');
    sized(16 * 1024 * 1024);
    expect(tmt(dir, ['record', '-q', '--params-file', file, '--', 'true']).code).toBe(0);
    expect(JSON.parse(tmt(dir, ['show', '--json']).stdout).run.meta.params).toEqual({ lr: 1 });
  });

  it('a .tmtignore that is a FIFO fails the snapshot in one line instead of hanging it', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    execFileSync('mkfifo', [path.join(dir, '.tmtignore')]);
    const r = tmtWithin(20_000, dir, ['snapshot']);
    expect(r.stderr).toBe('error: .tmtignore is a pipe, not a regular file\nhint: .tmtignore is a file of patterns, as .gitignore is, of at most 16 MiB\n');
    expect(r.code).toBe(6);
  });
});

describe('bad input is never an internal error (issue 11, item 9)', () => {
  it("record -- '' is refused before a run is created", () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    for (let k = 0; k < 2; k++) {
      expect(tmt(dir, ['record', '--', ''])).toMatchObject({
        code: 2,
        stderr: 'error: cannot record: the command is empty\nhint: tmt record [options] -- <command> [args...], e.g. tmt record -- python train.py\n',
      });
    }
    expect(refs(dir)).toBe('');
    expect(tmt(dir, ['list'])).toMatchObject({ code: 0, stdout: 'no runs\n' });
  });

  it('an unknown --format is a usage error naming the formats, in every command that takes one (best used to exit 70)', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    expect(tmt(dir, ['save', '-m', 'acc=1']).code).toBe(0);
    const cases: Array<[string[], string]> = [
      [['best', '-m', 'acc', '--format', 'xml'], 'table, json, csv, tsv, md'],
      [['list', '--format', 'xml'], 'table, json, csv, tsv, md'],
      [['compare', 'last', '--format', 'xml'], 'table, json, csv, md'],
    ];
    for (const [args, formats] of cases) {
      expect(tmt(dir, args), args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `error: --format: unknown format "xml"\nhint: one of ${formats}\n` });
    }
  });

  it('10,000 nested parentheses or nots in --where are a usage error, with the expression cut around the caret', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    for (const where of [`${'('.repeat(10_000)}name = a${')'.repeat(10_000)}`, `${'not '.repeat(10_000)}name = a`]) {
      const r = tmt(dir, ['list', '--where', where]);
      expect(r.code).toBe(2);
      const [message, shown, caret, hint] = r.stderr.split('\n');
      expect(message).toMatch(/^error: --where: expected at most 200 nested "\(" and "not", found more at column \d+$/);
      expect(shown!.length).toBeLessThan(300);
      expect(shown![caret!.length - 1]).toBe(where.startsWith('(') ? '(' : 'n');
      expect(hint).toMatch(/^hint: /);
    }
    // 200 deep is fine.
    expect(tmt(dir, ['list', '--where', `${'('.repeat(200)}name = a${')'.repeat(200)}`]).code).toBe(0);
  });

  it('a filter of 6,000 alternatives (ids from a script) works', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    expect(tmt(dir, ['save', '-n', 'wanted']).code).toBe(0);
    const names = Array.from({ length: 6000 }, (_, k) => `name = r${k}`);
    const r = tmt(dir, ['list', '--json', '--where', [...names, 'name = wanted'].join(' or ')]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).runs.map((run: { name: string }) => run.name)).toEqual(['wanted']);
  });

  it('a deleted current directory is one line on exit 3', () => {
    const gone = tempDir();
    const r = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" list', 'sh', gone, process.execPath, BIN], { env: testEnv, encoding: 'utf8' });
    expect(r.stderr).toBe('error: the current directory no longer exists\nhint: cd to a directory that exists and run tmt again\n');
    expect(r.status).toBe(3);
  });
});
