import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';
import { tmtWithin } from './helpers/tmt-within.js';

afterAll(cleanupTemp);

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
