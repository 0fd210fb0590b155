/**
 * Random command lines and random filters against the real CLI: whatever the
 * input, tmt answers (no hang), never with an internal error (exit 70) or a
 * stack trace, and a usage error (exit 2) writes nothing. Seeded, so a failure
 * replays; TMT_FUZZ_SEED picks another seed to explore with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo } from './helpers/git.js';
import { seededRandom } from './helpers/random.js';
import { tmt } from './helpers/tmt.js';
import { tmtWithin } from './helpers/tmt-within.js';

afterAll(cleanupTemp);

const SEED = Number(process.env.TMT_FUZZ_SEED ?? 11);
const rand = seededRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/** 0 to max, evenly. */
const upTo = (max: number) => Math.floor(rand() * (max + 1));

const COMMANDS = ['list', 'ls', 'best', 'show', 'diff', 'compare', 'log', 'edit', 'save', 'record', 'snapshot', 'recover', 'rm', 'push', 'fetch', 'pull', 'remote', 'help', 'bogus', ''];
// No --yes: rm is always a dry run here, so the runs stay for the rest of the fuzz.
const FLAGS = [
  '--where', '-w', '--sort', '-s', '--columns', '-c', '--format', '-f', '--json', '--group-by', '-g', '--agg', '--name', '--since', '--until',
  '--status', '--tag', '--limit', '--metric', '-m', '--max', '--min', '--window', '--any-status', '--log', '--stat', '--name-only', '--html',
  '-o', '--no-open', '--max-files', '--max-lines', '--higher-is-better', '--lower-is-better', '--only-changed', '-n', '-d', '-t', '-p',
  '--params-file', '--env', '-q', '--no-pty', '--no-cache', '--max-file-size', '--dry-run', '--remote', '--undo', '--run', '--step', '--untag',
  '--help', '-V', '--bogus', '--', '-',
];
const VALUES = [
  '', ' ', '-', '--', '=', 'last', 'last~1', 'last~99', 'baseline', 'sweep-1', 'a=1', 'lr=0.1', 'acc=0.5', 'acc=nan', 'x=', '=1', '0', '-1', '1.5',
  '1e999', 'NaN', '99999999999999999999999999', 'é', '日本語', '\t', 'a\nb', '..', '.', '/', '/dev/zero', '/dev/null', 'nonexistent', 'out.html',
  '*', '(', ')', '[', '"', "'", '\\', '(a+)+$', '(?i)BASE', '(a)\\1', 'metrics.acc', 'params.lr', 'acc', 'loss', 'mean(metrics.acc)', 'count',
  'mean(', 'last:0', 'last:10%', 'last:x', '100M', '0B', '-5G', 'json', 'csv', 'tsv', 'md', 'table', 'xml', 'origin', 'stdout', 'stderr',
  'finished', 'failed,killed', 'metric', 'param', 'artifact', 'setup', 'true', 'false', 'no-such-command-xyz', '2026-11-01', '2026-02-30',
  '-7d', 'yesterday', 'metrics.acc:desc', 'name,params.lr', 'params."my key"', '%s%n', '${HOME}', '$(id)', 'a'.repeat(300),
];

function randomText(max: number): string {
  const units = ['a', 'Z', '0', ' ', '-', '.', ',', '=', '(', ')', '"', "'", '\\', '~', '!', '<', '>', '\t', '\n', 'é', '日', '\u0000', '\ud800', '%'];
  return Array.from({ length: upTo(max) }, () => pick(units)).join('');
}

function randomArgv(): string[] {
  const argv = [pick(COMMANDS)];
  for (let k = upTo(5); k > 0; k--) {
    const r = rand();
    if (r < 0.45) argv.push(pick(FLAGS), pick(VALUES));
    else if (r < 0.7) argv.push(pick(FLAGS));
    else if (r < 0.9) argv.push(pick(VALUES));
    else argv.push(randomText(12));
  }
  // Commands and values that could touch anything outside the test repo are not in the lists; NUL cannot be in argv.
  if (argv[0] === 'rm') argv.push('--dry-run');
  return argv.map((a) => a.replace(/\0/g, ''));
}

const FIELDS = ['name', 'id', 'status', 'tags', 'started', 'ended', 'duration', 'host', 'branch', 'commit', 'params.lr', 'params.opt', 'params."my key"', 'params.a.b', 'metrics.acc', 'metrics.acc.max', 'metrics."val loss"', 'metrics.loss.count', 'metrics', 'params', 'foo', 'params.', 'metrics..x'];
const OPS = ['=', '!=', '<', '<=', '>', '>=', '~', '!~', 'in', 'has', '==', '=~', '<>', '!'];
const LITERALS = ['0.5', '-3', '1e-4', 'nan', 'inf', '-inf', 'adam', '"sgd"', "'a b'", 'finished', 'finishd', '2026-11-01', '2026-02-30', '-7d', '2h', 'today', '"(a+)+$"', '"^(a|aa)+$"', '"(?i)BASE"', '"a(?=b)"', '"\\\\d+"', '"["', '(adam, sgd)', '()', '(1,', '"unterminated'];

function randomFilter(depth = 0): string {
  const r = rand();
  if (depth < 4 && r < 0.25) return `${randomFilter(depth + 1)} ${pick(['and', 'or', 'AND', 'Or', 'xor'])} ${randomFilter(depth + 1)}`;
  if (depth < 4 && r < 0.35) return `not ${randomFilter(depth + 1)}`;
  if (depth < 4 && r < 0.45) return `(${randomFilter(depth + 1)})`;
  if (r < 0.5) return `exists ${pick(FIELDS)}`;
  return `${pick(FIELDS)} ${pick(OPS)} ${pick(LITERALS)}`;
}

/** A filter, sometimes damaged at random places or grown past any reasonable size. */
function fuzzFilter(): string {
  const r = rand();
  if (r < 0.04) return `${'('.repeat(10_000)}name = a${')'.repeat(10_000)}`;
  if (r < 0.08) return `${'not '.repeat(10_000)}name = a`;
  if (r < 0.1) return Array.from({ length: 5000 }, (_, k) => `id = r${k}`).join(' or ');
  let f = randomFilter();
  if (rand() < 0.5) return f;
  for (let k = 1 + upTo(2); k > 0; k--) {
    const at = Math.floor(rand() * (f.length + 1));
    f = rand() < 0.5 ? f.slice(0, at) + randomText(3) + f.slice(at) : f.slice(0, at) + f.slice(at + 1 + Math.floor(rand() * 4));
  }
  return f.replace(/\0/g, '');
}

let dir: string;

/** What tmt may write: its refs and notes, and runs it started. */
function state(): string {
  const runs = path.join(dir, '.git', 'tmt', 'runs');
  return `${git(dir, 'for-each-ref')}\n${fs.existsSync(runs) ? fs.readdirSync(runs).sort().join(',') : ''}`;
}

function check(argv: string[]): void {
  const before = state();
  const r = tmtWithin(20_000, dir, argv);
  const what = `seed ${SEED}: tmt ${JSON.stringify(argv).slice(0, 500)}\n${r.stderr.slice(0, 2000)}`;
  expect(r.code, what).not.toBe(-1); // killed: it hung
  expect(r.code, what).not.toBe(70);
  expect(r.stderr, what).not.toMatch(/^ {4}at /m);
  if (r.code === 2) expect(state(), what).toBe(before);
}

describe('fuzzing the CLI (issue 11, item 9)', () => {
  beforeAll(() => {
    dir = makeRepo({ 'train.py': 'print(1)\n', 'data/x.csv': 'a,b\n1,2\n' });
    const save = (args: string[]) => expect(tmt(dir, ['save', ...args]).code).toBe(0);
    save(['-n', 'baseline', '-t', 'best', '-p', 'lr=0.1', '-p', 'opt=adam', '-m', 'acc=0.9', '-m', 'loss=0.3']);
    save(['-n', 'sweep-1', '-t', 'sweep', '-p', 'lr=0.01', '-p', 'opt=sgd', '-m', 'acc=0.8']);
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(2)\n');
    save(['-n', `${'a'.repeat(64)}!`, '-p', 'lr=fast', '-m', 'acc=nan']);
    expect(tmt(dir, ['record', '-q', '-n', 'failing', '--', 'sh', '-c', 'echo oops >&2; exit 3']).code).toBe(3);
  });

  // Each check runs tmt synchronously: the worker yields between them, so it keeps answering
  // its runner (a minute without an answer is an error of the whole run, on a loaded machine).
  const breathe = () => new Promise((resolve) => setImmediate(resolve));

  it('random command lines, after the ones issue 11 reported', async () => {
    for (const argv of [['record', '--', ''], ['record', '--params-file', '/dev/zero', '--', 'true'], ['list', '--name', '(a+)+$']]) check(argv);
    for (let k = 0; k < 120; k++) {
      check(randomArgv());
      await breathe();
    }
  }, 180_000);

  it('random filters in list, best, compare and rm --dry-run', async () => {
    const commands = [['list'], ['best', '--metric', 'acc'], ['compare', 'last'], ['rm', '--dry-run']];
    for (let k = 0; k < 90; k++) {
      check([...pick(commands), '--where', fuzzFilter()]);
      await breathe();
    }
  }, 180_000);
});
