import { describe, expect, it } from 'vitest';
import { checkField, evaluate, fieldValue, parseExpr, type QueryRun } from '../src/query/expr/index.js';
import { seededRandom } from './helpers/random.js';

const NOW = Date.UTC(2026, 10, 15, 12, 0, 0); // 2026-11-15T12:00:00Z
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function metric(last: number, extra: Partial<{ first: number; min: number; max: number; count: number }> = {}) {
  return { first: last, last, min: last, max: last, count: 1, ...extra };
}

const RUN: QueryRun = {
  id: '01m81s6qabcdefghijklmnopqr',
  name: 'baseline run',
  status: 'finished',
  tags: ['best', 'sweep'],
  started: iso(NOW - 3 * DAY),
  ended: iso(NOW - 3 * DAY + 90_000),
  durationMs: 90_000,
  host: 'gpu-01',
  branch: 'main',
  commit: 'a1b2c3d4e5',
  params: { lr: 0.01, epochs: 10, opt: 'adam', wd: '0.0001', model: { depth: 4, act: 'relu' }, 'data.split': 'val', layers: [64, 128], use_bn: true },
  metrics: {
    acc: metric(0.91, { first: 0.5, min: 0.5, max: 0.93, count: 4 }),
    'val.loss': metric(0.3, { first: 1.2, min: 0.25, max: 1.2, count: 4 }),
    'train.acc.top1': metric(0.8),
  },
};

const BARE: QueryRun = { id: '02zz', status: 'running', tags: [], params: {}, metrics: {} };

const where = (src: string, run: QueryRun = RUN, now = NOW) => evaluate(parseExpr(src), run, now);

/** The TmtError a parse throws, for asserting code, message and hint. */
function parseError(src: string): { code: string; message: string; hint: string } {
  try {
    parseExpr(src);
  } catch (err) {
    return err as { code: string; message: string; hint: string };
  }
  throw new Error(`parsed without error: ${src}`);
}

describe('--where operators', () => {
  it('compares with = != < <= > >=', () => {
    expect(where('status = finished')).toBe(true);
    expect(where('status != finished')).toBe(false);
    expect(where('status != failed')).toBe(true);
    expect(where('metrics.acc > 0.9')).toBe(true);
    expect(where('metrics.acc >= 0.91')).toBe(true);
    expect(where('metrics.acc < 0.91')).toBe(false);
    expect(where('metrics.acc <= 0.91')).toBe(true);
    expect(where('metrics.acc = 0.91')).toBe(true);
    expect(where('params.epochs>=10 and params.epochs<11')).toBe(true);
  });

  it('matches regexes with ~ and !~, unanchored', () => {
    expect(where('name ~ line')).toBe(true);
    expect(where('name ~ "^line"')).toBe(false);
    expect(where('name !~ "^line"')).toBe(true);
    expect(where('host ~ "gpu-\\d+"')).toBe(true);
    expect(where('commit ~ ^a1b2')).toBe(true);
    expect(where('params.opt ~ ad')).toBe(true);
    expect(where('started ~ "^2026-11-12"')).toBe(true);
  });

  it('tests membership with in', () => {
    expect(where('status in (running, finished)')).toBe(true);
    expect(where('status in (running,failed)')).toBe(false);
    expect(where('params.epochs in (5, 10, 20)')).toBe(true);
    expect(where('metrics.acc in (0.5, 0.91)')).toBe(true);
    expect(where('tags in (x, sweep)')).toBe(true);
  });

  it('treats tags as a set: has, =, != and ~', () => {
    expect(where('tags has best')).toBe(true);
    expect(where('tags has worst')).toBe(false);
    expect(where('tags = sweep')).toBe(true);
    expect(where('tags != sweep')).toBe(false);
    expect(where('tags != other')).toBe(true);
    expect(where('tags ~ ^sw')).toBe(true);
    expect(where('tags !~ ^sw')).toBe(false);
    expect(where('tags != best', BARE)).toBe(true);
    expect(where('params.layers has 128')).toBe(true);
    expect(where('params.layers = 64')).toBe(true);
  });

  it('tests presence with exists', () => {
    expect(where('exists name')).toBe(true);
    expect(where('exists name', BARE)).toBe(false);
    expect(where('exists params.model.depth')).toBe(true);
    expect(where('exists params.model')).toBe(true);
    expect(where('exists params.model.width')).toBe(false);
    expect(where('exists metrics.val.loss.min')).toBe(true);
    expect(where('exists metrics.nope')).toBe(false);
    expect(where('exists tags')).toBe(true);
    expect(where('exists tags', BARE)).toBe(false);
    expect(where('exists duration and not exists ended', BARE)).toBe(false);
  });

  it('compares duration in seconds, also against spans', () => {
    expect(where('duration = 90')).toBe(true);
    expect(where('duration > 1m and duration < 2m')).toBe(true);
    expect(where('duration > 0', BARE)).toBe(false);
  });
});

describe('--where precedence and keywords', () => {
  // T is true, F is false on RUN.
  const T = 'status = finished';
  const F = 'status = failed';

  it('binds and tighter than or', () => {
    expect(where(`${T} or ${T} and ${F}`)).toBe(true);
    expect(where(`(${T} or ${T}) and ${F}`)).toBe(false);
    expect(where(`${F} and ${T} or ${T}`)).toBe(true);
    expect(parseExpr('name = a or name = b and name = c')).toMatchObject({ type: 'or', right: { type: 'and' } });
  });

  it('binds not tighter than and', () => {
    expect(where(`not ${F} and ${F}`)).toBe(false);
    expect(where(`not (${F} and ${F})`)).toBe(true);
    expect(where(`not not ${T}`)).toBe(true);
    expect(parseExpr('not name = a and name = b')).toMatchObject({ type: 'and', left: { type: 'not' } });
  });

  it('nests parentheses', () => {
    expect(where(`((${T}) and (${F} or (${T})))`)).toBe(true);
    expect(where(`not ((${T} or ${F}) and not ${F})`)).toBe(false);
  });

  it('reads keywords in any case', () => {
    expect(where(`NOT ${F} AND ${T} Or ${F}`)).toBe(true);
    expect(where('tags HAS best and status IN (finished) and EXISTS name')).toBe(true);
  });
});

describe('--where literals', () => {
  it('reads quoted strings with both quote kinds and escapes', () => {
    const run = { ...RUN, name: 'say "hi"\n\tit\'s a\\b' };
    expect(where(`name = "say \\"hi\\"\\n\\tit's a\\\\b"`, run)).toBe(true);
    expect(where(`name = 'say "hi"\\n\\tit\\'s a\\\\b'`, run)).toBe(true);
    expect(where("name = 'baseline run'")).toBe(true);
    expect(where('name = "baseline"')).toBe(false);
    // Quoted keywords and operators are plain values.
    expect(where('name = "and" or name = "x = (1)"', { ...RUN, name: 'x = (1)' })).toBe(true);
  });

  it('reads numbers in their usual forms', () => {
    const run = { ...RUN, params: { a: -3, b: 0.0001, c: 1500 } };
    expect(where('params.a = -3 and params.b = 1e-4 and params.c = 1.5e3', run)).toBe(true);
    expect(where('params.a > -3.5 and params.b < .001', run)).toBe(true);
  });

  it('compares times against UTC dates and zones', () => {
    // RUN started 2026-11-12T12:00Z.
    expect(where('started > 2026-11-01')).toBe(true);
    expect(where('started > 2026-11-12T12:00')).toBe(false);
    expect(where('started >= 2026-11-12T12:00')).toBe(true);
    expect(where('started = 2026-11-12T12:00:00Z')).toBe(true);
    expect(where('started < 2026-11-12T13:00+02:00')).toBe(false);
    expect(where('started < "2026-11-12 12:00:01"')).toBe(true);
    expect(where('ended > 2026-11-12T12:01')).toBe(true);
    expect(where('ended > 2026-11-01', BARE)).toBe(false);
  });

  it('resolves relative times against nowMs', () => {
    expect(where('started > -7d')).toBe(true);
    expect(where('started > -2d')).toBe(false);
    expect(where('started > -1w')).toBe(true);
    expect(where('started > -30m', RUN, NOW - 3 * DAY + 20 * 60_000)).toBe(true);
    expect(where('started > -2h', RUN, NOW - 3 * DAY + 3 * HOUR)).toBe(false);
    expect(where('started >= yesterday', RUN, NOW - 2 * DAY)).toBe(true);
    expect(where('started >= today', RUN, NOW - 2 * DAY)).toBe(false);
  });
});

describe('--where fields', () => {
  it('makes comparisons on missing fields false, and not negates that', () => {
    for (const src of ['name = x', 'name != x', 'name ~ .', 'name !~ zzz', 'host in (a, b)', 'params.lr > 0', 'params.lr != 1', 'metrics.acc < 2', 'started < -1d', 'duration >= 0']) {
      expect(where(src, BARE), src).toBe(false);
      expect(where(`not (${src})`, BARE), src).toBe(true);
    }
    expect(where('params.model.depth.x = 1')).toBe(false);
  });

  it('walks nested params and flat dotted keys', () => {
    expect(where('params.model.depth = 4 and params.model.act = relu')).toBe(true);
    expect(where('params.data.split = val')).toBe(true);
    // A nested object compares with nothing.
    expect(where('params.model = 4 or params.model != 4')).toBe(false);
  });

  it('compares numeric-string params as numbers against number literals', () => {
    expect(where('params.wd = 1e-4')).toBe(true);
    expect(where('params.wd < 0.001')).toBe(true);
    expect(where('params.wd > 0.00001')).toBe(true);
    // Quoted, the literal is a string and the comparison lexicographic.
    expect(where('params.wd = "1e-4"')).toBe(false);
    expect(where('params.wd = "0.0001"')).toBe(true);
    expect(where('params.epochs = "10"')).toBe(true);
    expect(where('params.epochs > 9')).toBe(true);
    expect(where('params.epochs > "9"')).toBe(false);
    expect(where('params.use_bn = true')).toBe(true);
  });

  it('compares other strings lexicographically', () => {
    expect(where('params.opt > adagrad and params.opt < adamw')).toBe(true);
    expect(where('name >= baseline and name < c')).toBe(true);
  });

  it('splits dotted metric names from their summary', () => {
    expect(where('metrics.val.loss = 0.3')).toBe(true);
    expect(where('metrics.val.loss.min = 0.25 and metrics.val.loss.max = 1.2')).toBe(true);
    expect(where('metrics.val.loss.first > 1 and metrics.val.loss.last < 1')).toBe(true);
    expect(where('metrics.acc.count = 4')).toBe(true);
    expect(where('metrics.train.acc.top1 = 0.8')).toBe(true);
    expect(where('metrics.train.acc.top1.max = 0.8')).toBe(true);
    expect(where('metrics.val > 0')).toBe(false);
  });

  it('exposes field values and validates field names', () => {
    expect(fieldValue(RUN, 'duration')).toBe(90);
    expect(fieldValue(RUN, 'params.model.depth')).toBe(4);
    expect(fieldValue(RUN, 'metrics.val.loss.min')).toBe(0.25);
    expect(fieldValue(RUN, 'metrics.acc')).toBe(0.91);
    expect(fieldValue(RUN, 'started')).toBe(RUN.started);
    expect(fieldValue(RUN, 'tags')).toEqual(['best', 'sweep']);
    expect(fieldValue(BARE, 'name')).toBeUndefined();
    expect(() => checkField('metrics.val.loss.min')).not.toThrow();
    expect(() => checkField('params.a-b.c_d')).not.toThrow();
    for (const bad of ['foo.bar', 'metric.acc', 'params', 'metrics.', 'params.a..b', 'Status']) {
      expect(() => checkField(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
    expect(() => fieldValue(RUN, 'foo')).toThrow(/found "foo"/);
  });
});

describe('--where errors', () => {
  const expectError = (src: string, lines: string[]) => {
    const err = parseError(src);
    expect(err.code).toBe('BAD_ARGUMENT');
    expect(err.message).toBe(lines.join('\n'));
    expect(err.hint).toMatch(/README section 'Filter expressions'/);
  };

  it('points at a missing value', () => {
    expectError('metrics.acc >', ['--where: expected a value after ">" at column 13', '  metrics.acc >', '              ^']);
    expectError('status = finished and started <', [
      '--where: expected a value after "<" at column 31',
      '  status = finished and started <',
      '                                ^',
    ]);
    expectError('status in (a, )', ['--where: expected a value after "," at column 13', '  status in (a, )', '              ^']);
  });

  it('names the known field prefixes', () => {
    const fields = 'name, id, status, tags, started, ended, duration, host, branch, commit, sweep.name, sweep.index, sweep.repeat, params.<key> or metrics.<name>[.first|.last|.min|.max|.count]';
    expectError('foo.bar > 1', [`--where: expected a field (${fields}), found "foo.bar" at column 1`, '  foo.bar > 1', '  ^']);
    expectError('acc > 1', [`--where: expected a field (${fields}), found "acc" (did you mean metrics.acc or params.acc?) at column 1`, '  acc > 1', '  ^']);
    expectError('name = x or metric.acc > 1', [
      `--where: expected a field (${fields}), found "metric.acc" at column 13`,
      '  name = x or metric.acc > 1',
      '              ^',
    ]);
  });

  it('rejects bad regexes and wrongly typed literals', () => {
    expectError('name ~ "("', ['--where: expected a valid regular expression, found "(" (Unterminated group) at column 8', '  name ~ "("', '         ^']);
    expectError('metrics.acc ~ 3', [
      '--where: expected = != < <= > >= or in for the number field "metrics.acc", found "~" at column 13',
      '  metrics.acc ~ 3',
      '              ^',
    ]);
    expectError('started > banana', [
      '--where: expected a date (2026-11-01, 2026-11-01T12:00) or a relative time (-7d, -2h) after ">", found "banana" at column 11',
      '  started > banana',
      '            ^',
    ]);
    expectError('metrics.acc > "abc"', [
      '--where: expected a number (metrics are numbers, or nan, inf, -inf) after ">", found "abc" at column 15',
      '  metrics.acc > "abc"',
      '                ^',
    ]);
    expect(parseError('tags < 3').message).toMatch(/^--where: expected = != ~ !~ in or has for "tags", found "<" at column 6$/m);
    expect(parseError('name has x').message).toMatch(/^--where: expected tags or params.<key> before "has", found "name" at column 6$/m);
    expect(parseError('duration > soon').message).toMatch(/expected a number of seconds or a span such as 2h/);
  });

  it('rejects empty expressions', () => {
    expectError('', ['--where: expected an expression at column 1', '  ', '  ^']);
    expectError('   ', ['--where: expected an expression at column 1', '     ', '  ^']);
  });

  it('rejects unbalanced parentheses', () => {
    expectError('(branch = a or (name = b)', ['--where: expected ")" to close this "(" at column 1', '  (branch = a or (name = b)', '  ^']);
    expectError('branch = a)', ['--where: expected "and" or "or", found ")" without a matching "(" at column 11', '  branch = a)', '            ^']);
    expectError('(branch = a name = b)', ['--where: expected "and", "or" or ")", found "name" at column 13', '  (branch = a name = b)', '              ^']);
    expectError('branch in (a, b', ['--where: expected ")" to close this "(" at column 11', '  branch in (a, b', '            ^']);
  });

  it('rejects trailing and unknown operators', () => {
    expectError('branch = a and', ['--where: expected an expression after "and" at column 12', '  branch = a and', '             ^']);
    expectError('branch = a or not', ['--where: expected an expression after "not" at column 15', '  branch = a or not', '                ^']);
    expectError('status', ['--where: expected an operator after "status" at column 1', '  status', '  ^']);
    expectError('status == a', ['--where: expected an operator, found "==" (equality is a single =) at column 8', '  status == a', '         ^']);
    expectError('status like a', ['--where: expected an operator (= != < <= > >= ~ !~ in has), found "like" at column 8', '  status like a', '         ^']);
    expectError('name = x and = 3', ['--where: expected a field, found "=" at column 14', '  name = x and = 3', '               ^']);
    expectError('exists (name)', ['--where: expected a field after "exists" at column 1', '  exists (name)', '  ^']);
  });

  it('rejects unterminated strings', () => {
    expectError("name = 'abc", ["--where: expected a closing ' for this string at column 8", "  name = 'abc", '         ^']);
  });
});

describe('--where De Morgan property', () => {
  const prng = seededRandom;
  const rand = prng(20261115);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const maybe = <T>(x: T): T | undefined => (rand() < 0.3 ? undefined : x);

  function randomRun(i: number): QueryRun {
    const lr = pick([0.1, 0.01, 0.001]);
    const params: Record<string, unknown> = {};
    const lrParam = maybe(rand() < 0.5 ? lr : String(lr));
    if (lrParam !== undefined) params.lr = lrParam;
    const depth = maybe(pick([2, 4, 8]));
    if (depth !== undefined) params.model = { depth };
    const metrics: QueryRun['metrics'] = {};
    const acc = maybe(Math.round(rand() * 100) / 100);
    if (acc !== undefined) metrics.acc = { first: 0, last: acc, min: 0, max: acc, count: 1 + Math.floor(rand() * 5) };
    const started = maybe(NOW - Math.floor(rand() * 14) * DAY);
    return {
      id: `run${i}`,
      name: maybe(pick(['alpha', 'beta', 'gamma'])),
      status: pick(['running', 'finished', 'failed', 'killed']),
      tags: ['best', 'sweep', 'ablation'].filter(() => rand() < 0.4),
      ...(started === undefined ? {} : { started: iso(started) }),
      ...(rand() < 0.7 ? { durationMs: Math.floor(rand() * 600_000) } : {}),
      params,
      metrics,
    };
  }

  function comparison(): string {
    switch (Math.floor(rand() * 8)) {
      case 0: return `name ${pick(['=', '!=', '<', '>=', '~', '!~'])} ${pick(['alpha', 'beta', 'zeta', '"^g"'])}`;
      case 1: return `status ${pick(['=', '!='])} ${pick(['running', 'finished', 'failed'])}`;
      case 2: return `tags ${pick(['has', '=', '!=', '~'])} ${pick(['best', 'sweep', 'none'])}`;
      case 3: return `params.lr ${pick(['=', '!=', '<', '<=', '>', '>='])} ${pick(['0.01', '1e-2', '0.05', '"0.1"'])}`;
      case 4: return `params.model.depth ${pick(['=', '!=', '<', '>'])} ${pick(['2', '4', '6'])}`;
      case 5: return rand() < 0.2 ? 'metrics.acc in (0.5, 1)' : `metrics.acc${pick(['', '.max', '.count'])} ${pick(['<', '>=', '!='])} ${pick(['0.5', '3'])}`;
      case 6: return `started ${pick(['<', '>', '>=', '!='])} ${pick(['-3d', '-1w', '2026-11-10', 'today'])}`;
      default: return pick(['exists name', 'exists params.model.depth', 'exists metrics.acc', 'duration > 5m', 'params.missing = 1']);
    }
  }

  function randomExpr(depth: number): string {
    const r = rand();
    if (depth === 0 || r < 0.4) return comparison();
    if (r < 0.55) return `not (${randomExpr(depth - 1)})`;
    return `(${randomExpr(depth - 1)}) ${pick(['and', 'or'])} (${randomExpr(depth - 1)})`;
  }

  it('not (A and B) = not A or not B and not (A or B) = not A and not B on 500 random runs', () => {
    const runs = Array.from({ length: 500 }, (_, i) => randomRun(i));
    let truthy = 0;
    const failures: string[] = [];
    for (let k = 0; k < 200; k++) {
      const A = randomExpr(2);
      const B = randomExpr(2);
      const a = parseExpr(A);
      const b = parseExpr(B);
      const nand = parseExpr(`not (${A}) or not (${B})`);
      const notAnd = parseExpr(`not ((${A}) and (${B}))`);
      const nor = parseExpr(`not (${A}) and not (${B})`);
      const notOr = parseExpr(`not ((${A}) or (${B}))`);
      for (const run of runs) {
        const va = evaluate(a, run, NOW);
        const vb = evaluate(b, run, NOW);
        if (va) truthy++;
        const got = [notAnd, nand, notOr, nor].map((e) => evaluate(e, run, NOW));
        const want = [!(va && vb), !(va && vb), !(va || vb), !(va || vb)];
        if (got.some((g, j) => g !== want[j])) failures.push(`${run.id}: ${A} | ${B}`);
      }
    }
    expect(failures).toEqual([]);
    // The generator must exercise both outcomes to mean anything.
    expect(truthy).toBeGreaterThan(200 * 500 * 0.1);
    expect(truthy).toBeLessThan(200 * 500 * 0.9);
  });
});
