/**
 * Every command that takes --format, found in the command registry rather
 * than listed here: an unknown format is a usage error (exit 2) that names the
 * formats the command offers, the same ones its help lists.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../dist/cli/commands/index.js';
import { cleanupTemp, makeRepo } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

interface SpecLike {
  name: string;
  flags?: Record<string, { flags: string; required?: boolean }>;
  operand?: { name: string };
  commands?: SpecLike[];
}

/** [command words, flags that must be given] for every command with a --format flag. */
function withFormat(specs: readonly SpecLike[], parents: string[] = []): Array<[string[], string[]]> {
  return specs.flatMap((s) => {
    const words = [...parents, s.name];
    if (s.commands) return withFormat(s.commands, words);
    if (!s.flags?.format) return [];
    const required = Object.values(s.flags).filter((f) => f.required).flatMap((f) => [f.flags.split(/[ ,]+/).find((w) => w.startsWith('--'))!, 'x']);
    // A required operand (`tmt sweep <spec>`): the format is judged before the operand is ever read.
    return [[words, [...(s.operand?.name.startsWith('<') ? ['x'] : []), ...required]]];
  });
}

const CASES = withFormat((await Promise.all(COMMANDS.map((c) => c.load()))) as readonly SpecLike[]);

describe('--format', () => {
  it('is taken by list, best and compare (the registry is read, not nothing)', () => {
    expect(CASES.map(([words]) => words.join(' '))).toEqual(expect.arrayContaining(['list', 'best', 'compare']));
  });

  it.each(CASES.map(([words, required]) => [words.join(' '), words, required] as const))('tmt %s: an unknown format exits 2 and lists the formats its help names', (_name, words, required) => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const help = tmt(dir, [...words, '--help']).stdout;
    // Help wraps a long list: read it across lines.
    const listed = /--format <format>\s+([^(]+?)\s+\(default:\s+"[a-z]+"\)/.exec(help)![1]!.replace(/\s+/g, ' ').replace(' or ', ', ');
    for (const bad of ['xml', '', 'TABLE', 'table,json']) {
      for (const extra of [[], ...(words[0] === 'list' ? [['--remote']] : [])]) {
        const args = [...words, ...required, ...extra, '--format', bad];
        expect(tmt(dir, args), args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `error: --format: unknown format "${bad}"\nhint: one of ${listed}\n` });
      }
    }
    // --json is --format json, whatever --format says.
    expect(tmt(dir, [...words, ...required, '--format', 'xml', '--json']).stderr).not.toMatch(/unknown format/);
  });
});
