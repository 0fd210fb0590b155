/**
 * Notes arrive from other people's clones (`tmt fetch`). A note whose fields
 * would be handed to git as arguments, or that has the wrong shape, must be
 * reported as unreadable, never acted on; and metric names that are also
 * names on every JavaScript object are just names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, tempDir, writeFiles } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

function json(r: { code: number; stdout: string; stderr: string }): any {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Replaces the note of the newest run with `edit(note)`, the way a hand or another tool would. */
function editNewestNote(dir: string, edit: (note: string) => string): string {
  const commit = git(dir, 'for-each-ref', '--format=%(objectname)', '--sort=-refname', '--count=1', 'refs/tmt/runs/');
  git(dir, 'notes', '--ref=tmt', 'add', '-f', '-m', edit(git(dir, 'notes', '--ref=tmt', 'show', commit)), commit);
  return commit;
}

describe('notes that try to pass options to git', () => {
  for (const [field, edit] of [
    ['git.tree', (n: string) => n.replace(/^ {2}tree: \w+$/m, (line) => line.replace(/\w+$/, '"--output=TARGET"'))],
    ['git.base', (n: string) => n.replace(/^ {2}base: \w+$/m, '  base: "--output=TARGET"')],
    ['outputs', (n: string) => `${n}\noutputs: "--output=TARGET"\n`],
  ] as const) {
    it(`${field} = --output=...: the run is unreadable, and nothing is written`, () => {
      const dir = makeRepo({ 'a.py': 'a\n' });
      tmt(dir, ['save', '-n', 'good', '-m', 'acc=0.5']);
      writeFiles(dir, { 'a.py': 'changed\n' });
      tmt(dir, ['save', '-n', 'evil', '-m', 'acc=0.9']);
      const target = path.join(tempDir(), 'PWNED');
      editNewestNote(dir, (n) => edit(n).replace('TARGET', target));

      const list = tmt(dir, ['list', '--json']);
      expect(list.code).toBe(0);
      expect(list.stderr).toMatch(new RegExp(`^warning: run \\w{26}: unreadable note: field "${field.split('.')[0]}" is not `, 'm'));
      expect(JSON.parse(list.stdout).runs.map((r: any) => r.status)).toEqual(['unreadable', 'finished']);
      for (const args of [['show', 'last'], ['diff', 'good', 'last'], ['diff', 'last', '--html', '--no-open'], ['compare', 'good', 'last~0', '--html', '--no-open'], ['log', 'param', 'x=1', '--run', 'last']]) {
        const r = tmt(dir, args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr, args.join(' ')).toMatch(/^error: .*(unreadable|no readable metadata|field)/m);
      }
      expect(fs.existsSync(target)).toBe(false);
      expect(fs.readdirSync(path.dirname(target))).toEqual([]);
      fsck(dir);
    });
  }
});

describe('notes of the wrong shape', () => {
  for (const [what, edit, field] of [
    ['tags as a string', (n: string) => n.replace(/^tags: .*$/m, 'tags: hello'), 'tags'],
    ['command.argv as a string', (n: string) => `${n.replace(/^command:\n(?: {2}.*\n)+/m, '')}\ncommand:\n  argv: "rm -rf /"\n  cwd: /\n`, 'command'],
    ['a metric summary without numbers', (n: string) => n.replace(/^ {4}last: .*$/m, '    last: high'), 'metrics'],
    ['an unknown status', (n: string) => n.replace(/^status: .*$/m, 'status: exploded'), 'status'],
    ['a start that is not a time', (n: string) => n.replace(/^started: .*$/m, 'started: not-a-date'), 'started'],
  ] as const) {
    it(`${what}: listed as unreadable with the field named; show and diff refuse it in one line`, () => {
      const dir = makeRepo({ 'a.py': 'a\n' });
      tmt(dir, ['save', '-n', 'good', '-m', 'acc=0.5']);
      tmt(dir, ['record', '-q', '-n', 'odd', '--', 'sh', '-c', 'echo \'{"acc": 0.7}\' >> "$TMT_METRICS"']);
      editNewestNote(dir, edit);
      const list = tmt(dir, ['list', '--json']);
      expect(list.stderr).toMatch(new RegExp(`unreadable note: field "${field}" is not `));
      expect(JSON.parse(list.stdout).runs[0].status).toBe('unreadable');
      // Filters and best cannot judge it: they say they left it out, and go on.
      const filtered = tmt(dir, ['list', '--where', 'metrics.acc > 0', '--json']);
      expect(JSON.parse(filtered.stdout).runs.map((r: { name: string }) => r.name)).toEqual(['good']);
      expect(filtered.stderr).toBe('warning: left out 1 run whose note cannot be read; tmt list --status unreadable shows it\n');
      const best = tmt(dir, ['best', '--metric', 'acc', '--json']);
      expect(JSON.parse(best.stdout).best[0].name).toBe('good');
      expect(best.stderr).toMatch(/^warning: left out 1 run whose note cannot be read; /m);
      for (const args of [['show', 'last'], ['diff', 'good', 'last', '--html', '--no-open']]) {
        const r = tmt(dir, args);
        expect(r.code).toBe(4);
        expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2); // error + hint, no stack
      }
    });
  }
});

describe('metric names that every JavaScript object has', () => {
  it('constructor, toString and __proto__ are recorded, summarised, queried and shown like any name', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const lines = ['{"step": 0, "constructor": 1, "toString": 5, "__proto__": 9, "hasOwnProperty": 3}', '{"step": 1, "constructor": 2, "toString": 4, "__proto__": 8, "hasOwnProperty": 3}'];
    writeFiles(dir, { 'm.jsonl': lines.join('\n') + '\n' });
    const r = tmt(dir, ['record', '-q', '-n', 'proto', '--', 'sh', '-c', 'cat m.jsonl >> "$TMT_METRICS"']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    tmt(dir, ['save', '-n', 'saved', '-m', '__proto__=7', '-m', 'constructor=0.5']);

    const show = json(tmt(dir, ['show', 'proto', '--json'])).run.meta;
    expect(show.status).toBe('finished');
    expect(Object.keys(show.metrics).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(show.metrics.__proto__).toMatchObject({ first: 9, last: 8, count: 2 });
    expect(show.metrics.constructor).toMatchObject({ first: 1, last: 2, max: 2 });

    expect(json(tmt(dir, ['best', '--metric', 'constructor', '--json'])).best[0].name).toBe('proto');
    expect(json(tmt(dir, ['best', '--metric', '__proto__', '--json'])).best[0]).toMatchObject({ name: 'proto', score: 8 });
    expect(json(tmt(dir, ['list', '--where', 'metrics.toString < 4.5 and metrics.__proto__ = 8', '--json'])).runs.map((x: any) => x.name)).toEqual(['proto']);
    expect(json(tmt(dir, ['list', '--where', 'exists metrics.hasOwnProperty', '--json'])).runs.map((x: any) => x.name)).toEqual(['proto']);
    const page = tmt(dir, ['compare', 'proto', 'saved', '--html', '--no-open', '-o', path.join(dir, 'page.html')]);
    expect(page.code).toBe(0);
    expect(tmt(dir, ['compare', 'proto', 'saved', '--format', 'csv']).stdout).toMatch(/__proto__/);
    fsck(dir);
  });
});

describe('terminal escapes in stored text', () => {
  it('list, show and compare spell control characters out instead of sending them to the terminal', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const osc = '\u001b]0;owned\u0007\u001b[31mred';
    // tmt refuses control characters in names and tags it is given; a note from elsewhere may hold them.
    expect(tmt(dir, ['save', '-n', `evil${osc}`]).code).toBe(2);
    const r = tmt(dir, ['record', '-q', '-n', 'evil', '-t', 't', '-p', `k=v${osc}`, '--', 'sh', '-c', `printf 'line\\033]52;c;Y2xpcA==\\007\\n'`]);
    expect(r.code).toBe(0);
    editNewestNote(dir, (n) => n.replace(/^name: evil$/m, `name: ${JSON.stringify(`evil${osc}`)}`).replace(/^tags:\n {2}- t$/m, `tags:\n  - ${JSON.stringify(`t${osc}`)}`));
    for (const args of [['list'], ['show', 'last'], ['compare', 'last'], ['list', '--columns', 'name,tags,params.k']]) {
      const out = tmt(dir, args).stdout;
      expect(out, args.join(' ')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(out, args.join(' ')).toMatch(/\\x1b/);
    }
    // Asked for verbatim: the log as the command wrote it, and data formats.
    expect(tmt(dir, ['show', 'last', '--log', 'stdout']).stdout).toContain('\u001b]52;');
    expect(JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].name).toBe(`evil${osc}`);
  });
});

describe('refs under refs/tmt/runs/ that are not run ids', () => {
  it('are left out of listings and selectors, with one warning that names them', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'real']).stdout.trim();
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    for (const name of ['sub/dir', '-rf', 'UPPERCASE']) git(dir, 'update-ref', `refs/tmt/runs/${name}`, commit);
    const list = tmt(dir, ['list', '--json']);
    expect(JSON.parse(list.stdout).runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(list.stderr).toBe('warning: left out 3 refs under refs/tmt/runs/ that are not a run id ("refs/tmt/runs/-rf", "refs/tmt/runs/UPPERCASE", "refs/tmt/runs/sub/dir"); git update-ref -d REF deletes one\n');
    expect(JSON.parse(tmt(dir, ['show', 'last', '--json']).stdout).run.id).toBe(id);
    expect(tmt(dir, ['show', 'sub/dir']).code).toBe(4);
    fsck(dir);
  });
});
