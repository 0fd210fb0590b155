/**
 * Argument parsing apart from behaviour: a command declared with the spec
 * builders, parsed by commander, and the values its run receives; and the
 * flag lists derived from the real specs.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, specsFor } from '../dist/cli/commands/index.js';
import { record } from '../dist/cli/commands/record.js';
import { bool, count, flagNames, formatFlags, list, optionalValue, required, text, textOr } from '../dist/cli/flags.js';
import { command, operand, splitAtDashDash } from '../dist/cli/spec.js';

const flags = {
  metric: required('-m, --metric <name>', 'metric'),
  json: bool('--json', 'json'),
  noCache: bool('--no-cache', 'cache'),
  where: text('-w, --where <expr>', 'filter'),
  size: textOr('--size <size>', 'size', '100M'),
  tag: list('-t, --tag <tag>', 'tags'),
  limit: count('--limit <n>', 'limit'),
  remote: optionalValue('--remote [remote]', 'remote'),
  link: list('--link <path>', 'link'),
  noLink: bool('--no-link', 'no link'),
  ...formatFlags(['table', 'json', 'csv'], 'same as --format json'),
};

/** What `run` receives for `argv` (words after the program's name). */
async function parse(argv: string[]) {
  let seen: unknown;
  const spec = command({ name: 'try', description: 'd', flags, operand: operand('[runs...]'), async run(parsed) {
    seen = parsed;
    return 0;
  } });
  const program = new Command('tmt').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const ctx = { argv, out: undefined, term: undefined, cwd: () => '/', version: 'test' } as never;
  spec.register(program, ctx, () => undefined);
  await program.parseAsync(argv, { from: 'user' });
  return seen as { flags: Record<string, unknown>; operands: string[]; dashDash?: number };
}

describe('flags as a command receives them', () => {
  it('switches are booleans, lists are lists, defaults are filled', async () => {
    expect(await parse(['try', '-m', 'acc'])).toEqual({
      flags: { metric: 'acc', json: false, noCache: false, where: undefined, size: '100M', tag: [], limit: undefined, remote: undefined, link: [], noLink: false, format: 'table' },
      operands: [],
      dashDash: undefined,
    });
    const p = await parse(['try', 'a', '-m', 'acc', '--no-cache', '-t', 'x', '--tag', 'y', '--limit', '3', '--remote', '--json', 'b']);
    expect(p.flags).toMatchObject({ noCache: true, tag: ['x', 'y'], limit: 3, remote: true, json: true, format: 'json' });
    expect(p.operands).toEqual(['a', 'b']);
  });

  it('counts the operands after --, and splits them off', async () => {
    const p = await parse(['try', '-m', 'acc', 'a', 'b', '--', 'src/x.py', '--not-a-flag']);
    expect(p.dashDash).toBe(2);
    expect(splitAtDashDash(p.operands, p.dashDash)).toEqual({ before: ['a', 'b'], after: ['src/x.py', '--not-a-flag'] });
    expect(splitAtDashDash(['a'], undefined)).toEqual({ before: ['a'], after: [] });
  });

  it('a bad --format or --limit is a usage error as the flags are read; --json wins over --format', async () => {
    await expect(parse(['try', '-m', 'acc', '--format', 'tsv'])).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: '--format: unknown format "tsv"', hint: 'one of table, json, csv' });
    await expect(parse(['try', '-m', 'acc', '--limit', '0'])).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: '--limit: expected a whole number of 1 or more, got "0"' });
    expect((await parse(['try', '-m', 'acc', '--format', 'tsv', '--json'])).flags.format).toBe('json');
  });
});

describe('a list --x beside its negation --no-x (one value in commander, under x)', () => {
  it('each alone reads as given; repeated, the same', async () => {
    expect((await parse(['try', '-m', 'acc', '--no-link'])).flags).toMatchObject({ link: [], noLink: true });
    expect((await parse(['try', '-m', 'acc', '--no-link', '--no-link'])).flags).toMatchObject({ link: [], noLink: true });
    expect((await parse(['try', '-m', 'acc', '--link', 'a', '--link', 'b'])).flags).toMatchObject({ link: ['a', 'b'], noLink: false });
  });

  it('both, in either order, are a usage error (not a crash, not a list silently dropped)', async () => {
    for (const argv of [['--no-link', '--link', 'data'], ['--link', 'data', '--no-link'], ['--link', 'a', '--no-link', '--link', 'b']]) {
      await expect(parse(['try', '-m', 'acc', ...argv]), argv.join(' ')).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: '--link and --no-link contradict each other' });
    }
  });
});

describe('the command registry', () => {
  it("names each command as its spec does, and loads only the one a command line names", async () => {
    for (const entry of COMMANDS) {
      const spec = await entry.load();
      expect([spec.name, ...spec.aliases]).toEqual(entry.names);
    }
    expect((await specsFor(['ls', '--json'])).map((s) => s.name)).toEqual(['list']);
    expect((await specsFor(['pull'])).map((s) => s.name)).toEqual(['pull']);
    for (const argv of [[], ['--help'], ['help', 'list'], ['lst']]) expect(await specsFor(argv)).toHaveLength(COMMANDS.length);
  });
});

describe('flag lists derived from the specs', () => {
  it("record's own flags, which make a command line without -- ambiguous", () => {
    expect(flagNames(record.flags).sort()).toEqual(
      ['-n', '--name', '-d', '--description', '-t', '--tag', '-p', '--param', '--params-file', '--env', '-q', '--quiet', '--no-pty', '--no-cache', '--max-file-size'].sort(),
    );
  });
});
