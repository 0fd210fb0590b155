import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmt } from './helpers/tmt.js';

/**
 * Every help text, byte for byte, as the files in test/fixtures/help hold it.
 * They pin what a user reads while the CLI's wiring changes underneath; a
 * deliberate help change updates the file (TMT_UPDATE_HELP=1 rewrites them).
 */
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/help');
const COMMANDS = [
  [],
  ['snapshot'], ['save'], ['record'], ['list'], ['best'], ['show'], ['get'], ['metrics'], ['checkout'], ['branch'], ['apply'], ['diff'], ['compare'], ['rerun'], ['sweep'], ['ui'], ['report'],
  ['log'], ['log', 'metric'], ['log', 'param'], ['log', 'artifact'],
  ['edit'], ['recover'], ['rm'], ['remote'], ['remote', 'setup'], ['push'], ['fetch'], ['pull'],
];

describe('help texts', () => {
  const cwd = os.tmpdir(); // help needs no repository
  it.each(COMMANDS.map((c) => [c.join(' ') || '(top)', c] as const))('tmt %s --help is unchanged', (_name, cmd) => {
    const r = tmt(cwd, [...cmd, '--help'], { COLUMNS: '80' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const file = path.join(FIXTURES, `${cmd.join('-') || 'tmt'}.txt`);
    if (process.env.TMT_UPDATE_HELP === '1') fs.writeFileSync(file, r.stdout);
    expect(r.stdout).toBe(fs.readFileSync(file, 'utf8'));
  });
});
