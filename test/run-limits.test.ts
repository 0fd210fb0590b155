/**
 * What one run can add to its note and to the catalog is bounded (issue 11,
 * item 8): every series stays in metrics.jsonl, and the note says what it kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { tmt } from './helpers/tmt.js';

afterAll(cleanupTemp);

function note(dir: string, id: string): string {
  return git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`);
}

function catalogBytes(dir: string): number {
  const d = path.join(dir, '.git/tmt/catalog');
  return fs.readdirSync(d).reduce((n, f) => n + fs.statSync(path.join(d, f)).size, 0);
}

describe('a run that logs too much', () => {
  it('20,000 distinct metric names: the note keeps 1,000 and says so, metrics.jsonl keeps all, later queries stay small', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const py = 'import json, os\nwith open(os.environ["TMT_METRICS"], "a") as m:\n    for i in range(20000): m.write(json.dumps({"step": 0, f"m{i:05d}": i}) + "\\n")';
    const r = tmt(dir, ['record', '-n', 'wide', '--', 'python3', '-c', py]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: 20000 metric names: the note keeps the summaries of the first 1000 \(by first appearance\); every series stays in metrics\.jsonl$/m);
    const id = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].id;
    const text = note(dir, id);
    expect(text.match(/^ {2}m\d{5}:$/gm)).toHaveLength(1000);
    expect(text).toMatch(/^ {2}m00999:$/m);
    expect(text).not.toMatch(/^ {2}m01000:$/m);
    const jsonl = git(dir, 'show', `refs/tmt/runs/${id}^2:metrics.jsonl`);
    expect(jsonl).toContain('"m19999"');
    // The catalog holds the 1,000 columns the note has, no more.
    expect(catalogBytes(dir)).toBeLessThan(2_000_000);
    fsck(dir);
  }, 120_000);

  it('2 MB of garbage in the metrics file: 50 warnings and a count go into the note and onto the terminal', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const r = tmt(dir, ['record', '-n', 'garbage', '--', 'python3', '-c', 'import os\nopen(os.environ["TMT_METRICS"], "a").write("not json\\n" * 200000)']);
    expect(r.code, r.stderr).toBe(0);
    const warned = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warned).toHaveLength(51);
    expect(warned[50]).toBe('warning: ... and 199950 more warnings like these');
    const id = JSON.parse(tmt(dir, ['list', '--json']).stdout).runs[0].id;
    expect(note(dir, id).match(/^ {2}- /gm)).toHaveLength(51);
  });

  it('a note with 5,000 metric names and 5,000 params from elsewhere: the catalog indexes the first 1,000 of each, show has them all', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'big']).stdout.trim();
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    let text = note(dir, id).replace(/^params: \{\}$/m, ['params:', ...Array.from({ length: 5000 }, (_, i) => `  p${i}: ${i}`)].join('\n'));
    text = text.replace(/^metrics: \{\}$/m, ['metrics:', ...Array.from({ length: 5000 }, (_, i) => `  m${i}:\n    first: ${i}\n    last: ${i}\n    min: ${i}\n    max: ${i}\n    count: 1`)].join('\n'));
    const file = path.join(tempDir(), 'note');
    fs.writeFileSync(file, text + '\n');
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-F', file, commit);
    fs.rmSync(path.join(dir, '.git/tmt/catalog'), { recursive: true, force: true });
    const early = tmt(dir, ['list', '--where', 'metrics.m999 = 999 and params.p999 = 999', '--json']);
    expect(early.code, early.stderr).toBe(0);
    expect(JSON.parse(early.stdout).runs).toHaveLength(1);
    const late = tmt(dir, ['list', '--where', 'metrics.m4999 = 4999', '--json']);
    expect(JSON.parse(late.stdout).runs).toHaveLength(0);
    const shown = JSON.parse(tmt(dir, ['show', id, '--json']).stdout).run.meta;
    expect(Object.keys(shown.metrics)).toHaveLength(5000);
    expect(catalogBytes(dir)).toBeLessThan(2_000_000);
  });
});
