/**
 * Nothing a user recorded disappears because another field was edited, and
 * every note tmt can read survives being written back (issue 11, items 2-3).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadYamlParser, parseMeta, serializeMeta } from '../src/run/note/metadata.js';
import { cleanupTemp, fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { seededRandom } from './helpers/random.js';
import { bareRepo, cloneOf, projectWithRemote, save } from './helpers/remote.js';
import { tmt, tmtAsync } from './helpers/tmt.js';

afterAll(cleanupTemp);

function note(dir: string, id: string): string {
  return git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`);
}

function metricNames(dir: string, id: string): string[] {
  const r = tmt(dir, ['show', id, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return Object.keys(JSON.parse(r.stdout).run.meta.metrics).sort();
}

describe('final values saved with tmt save -m survive later edits', () => {
  it('tmt log metric --run keeps them beside the new series', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'r', '-m', 'acc=0.7', '-m', 'loss=1']).stdout.trim();
    expect(tmt(dir, ['log', 'metric', 'val=0.5', '--run', id]).code).toBe(0);
    expect(metricNames(dir, id)).toEqual(['acc', 'loss', 'val']);
    expect(note(dir, id)).toMatch(/^ {2}acc:\n {4}first: 0\.7$/m);
    // A logged point of a saved metric takes over that metric's summary, and only that one.
    expect(tmt(dir, ['log', 'metric', 'acc=0.9', '--run', id]).code).toBe(0);
    const run = JSON.parse(tmt(dir, ['show', id, '--json']).stdout).run.meta;
    expect(run.metrics.acc.last).toBe(0.9);
    expect(run.metrics.loss.last).toBe(1);
    fsck(dir);
  });

  it('a merge of outputs added on both clones keeps them too', async () => {
    const remote = bareRepo();
    const a = projectWithRemote(remote);
    const id = await save(a, '-n', 'shared', '-m', 'acc=0.7', '-m', 'loss=1');
    expect((await tmtAsync(a, ['push'])).code).toBe(0);
    const b = cloneOf(remote);
    expect((await tmtAsync(b, ['fetch'])).code).toBe(0);
    expect((await tmtAsync(a, ['log', 'metric', 'val=0.5', '--run', id])).code).toBe(0);
    expect((await tmtAsync(b, ['log', 'metric', 'val=0.6', '--step', '2', '--run', id])).code).toBe(0);
    expect((await tmtAsync(b, ['push'])).code).toBe(0);
    const r = await tmtAsync(a, ['fetch']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/1 merged/);
    expect(metricNames(a, id)).toEqual(['acc', 'loss', 'val']);
    fsck(a);
  });
});

describe('a note tmt can read is still readable after tmt writes it back', () => {
  it('a hand-written note without git: or started: stays readable through tmt edit', () => {
    const dir = makeRepo({ 'a.py': 'a\n' });
    const id = tmt(dir, ['save', '-n', 'x']).stdout.trim();
    const commit = git(dir, 'rev-parse', `refs/tmt/runs/${id}`);
    const file = path.join(tempDir(), 'note');
    fs.writeFileSync(file, `schemaVersion: 1\nid: ${id}\nname: handmade\nstatus: finished\n`);
    git(dir, 'notes', '--ref=tmt', 'add', '-f', '-F', file, commit);
    expect(tmt(dir, ['edit', id, '--tag', 'kept']).code).toBe(0);
    const shown = tmt(dir, ['show', id, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).run.meta).toMatchObject({ name: 'handmade', tags: ['kept'], status: 'finished' });
    expect(tmt(dir, ['diff', id, '--name-only']).code).toBe(0);
    // Written back whole: its git fields come from the run commit, and no placeholder is written.
    expect(note(dir, id)).toMatch(new RegExp(`^  tree: ${git(dir, 'rev-parse', `${commit}^{tree}`)}$`, 'm'));
    expect(note(dir, id)).not.toMatch(/^started:/m);
    expect(tmt(dir, ['list', '--status', 'unreadable', '--json']).stdout).not.toContain(id);
  });

  it('property: parse, write, parse gives the same record, over generated notes', async () => {
    const yaml = await loadYamlParser();
    const random = seededRandom(20261206);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const oid = () => Array.from({ length: 40 }, () => pick([...'0123456789abcdef'])).join('');
    const texts = ['plain', 'yes', 'null', '1e3', '007', ' padded ', 'a: b', '#hash', 'multi\nline', 'tab\there', 'ünïcode', "quote's", '"dq"', '-dash', '[x]', ''];
    const time = () => new Date(Date.UTC(2020 + Math.floor(random() * 7), Math.floor(random() * 12), 1 + Math.floor(random() * 28), 9, 30)).toISOString();
    const number = () => pick([0, 1, -2.5, 1e-7, 123456789, NaN, Infinity, -Infinity, 0.1 + 0.2]);
    const summary = () => ({ first: number(), last: number(), min: number(), max: number(), count: Math.floor(random() * 100) });
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const full: Record<string, unknown> = {
        schemaVersion: 1,
        id: '01' + Array.from({ length: 24 }, () => pick([...'0123456789abcdefghjkmnpqrstvwxyz'])).join(''),
        name: pick(texts),
        description: pick(texts),
        tags: [pick(texts), pick(texts)].filter(Boolean),
        status: pick(['running', 'finished', 'failed', 'killed']),
        params: { lr: number(), name: pick(texts), nested: { depth: { ok: pick([true, false, null]) } }, list: [1, 'two', null], [pick(texts) || 'k']: pick(texts) },
        metrics: { acc: summary(), 'val/loss': summary() },
        started: time(),
        ended: time(),
        durationMs: Math.floor(random() * 1e6),
        exitCode: pick([0, 1, 137]),
        command: { argv: ['python', 'train.py', pick(texts)], cwd: '/w' },
        host: { hostname: 'h', user: 'u', os: 'linux', node: 'v20', pid: 42 },
        git: { base: oid(), branch: pick(texts), dirty: pick([true, false]), tree: oid() },
        snapshot: { files: 3, skipped: [{ path: pick(texts) || 'p', reason: 'too-large', size: 9 }] },
        env: { CUDA_VISIBLE_DEVICES: '0' },
        outputs: oid(),
        failure: pick(texts),
        warnings: [pick(texts)],
        updated: time(),
      };
      for (const k of Object.keys(full)) if (k !== 'schemaVersion' && k !== 'id' && random() < 0.35) delete full[k];
      // Half as tmt writes notes, half as another YAML writer would (flow style, other quoting).
      const text = random() < 0.5 ? serializeMeta(full as never) : stringify(full, { defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']) as never, collectionStyle: pick(['any', 'flow', 'block']) as never });
      let first;
      try {
        first = parseMeta(text, yaml);
      } catch {
        continue; // tmt refuses it (say, a multi-line name): nothing to round-trip
      }
      const written = serializeMeta(first);
      const again = parseMeta(written, yaml);
      expect(again, `note ${i}:\n${text}\nwritten as:\n${written}`).toEqual(first);
      expect(parseMeta(written), `note ${i}: tmt's fast reader reads what tmt wrote`).toEqual(first);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });
});
