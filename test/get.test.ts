import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { cleanupTemp, fsck, git, makeRepo, tempDir } from './helpers/git.js';
import { seededRandom } from './helpers/random.js';
import { bareRepo, cloneOf, projectWithRemote } from './helpers/remote.js';
import { BIN, tmtAsync, type TmtResult } from './helpers/tmt.js';

afterAll(cleanupTemp);

/** The CLI with stdout as bytes (an artifact need not be text), in a shell when `shell` wraps it (for ulimit). */
function tmtBytes(cwd: string, args: string[], shell?: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = shell ? spawn('sh', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, BIN, ...args], { cwd, env: testEnv }) : spawn(process.execPath, [BIN, ...args], { cwd, env: testEnv });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }));
  });
}

function bytes(n: number, seed: number): Buffer {
  const rnd = seededRandom(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
}

/** What the recorded command leaves in $TMT_ARTIFACTS: a name with spaces, nested directories, binary data, a name that is not UTF-8. */
const ARTIFACTS: Record<string, Buffer> = {
  'my model.bin': bytes(300_000, 1),
  'plots/a/loss curve.png': bytes(5_000, 2),
  'plots/b.txt': Buffer.from('b\r\nno final newline'),
  'empty': Buffer.alloc(0),
  'caf\xe9.txt': Buffer.from('latin-1 name\n'),
  'tab\tname.txt': Buffer.from('a tab in the name\n'),
};

/** Every file below `dir` (names as their bytes, read as Latin-1) with its content. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (abs: Buffer, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' })) {
      const child = Buffer.concat([abs, Buffer.from('/'), e.name]);
      const name = rel + e.name.toString('latin1');
      if (e.isDirectory()) walk(child, `${name}/`);
      else out.set(name, e.isSymbolicLink() ? Buffer.from(`symlink -> ${fs.readlinkSync(child)}`) : fs.readFileSync(child));
    }
  };
  walk(Buffer.from(dir), '');
  return out;
}

function expectFiles(dir: string, expected: Record<string, Buffer>): void {
  const got = filesUnder(dir);
  expect([...got.keys()].sort()).toEqual(Object.keys(expected).sort());
  for (const [name, content] of Object.entries(expected)) expect(got.get(name)!.equals(content), name).toBe(true);
}

/** A repository with one recorded run whose command left ARTIFACTS, wrote to both logs and logged metrics. */
async function recordedRun(url?: string): Promise<{ dir: string; id: string }> {
  const dir = url ? projectWithRemote(url) : makeRepo({ 'train.py': 'x\n' });
  const source = tempDir('tmt-get-src-');
  for (const [name, content] of Object.entries(ARTIFACTS)) {
    const file = Buffer.from(path.join(source, name), 'latin1');
    fs.mkdirSync(path.dirname(file.toString('latin1')), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const script = 'cp -R "$0"/. "$TMT_ARTIFACTS"/; printf "out \\033[31m\\n"; echo err >&2; echo \'{"step":1,"loss":0.5}\' >> "$TMT_METRICS"';
  const r = await tmtAsync(dir, ['record', '-q', '-n', 'arts', '--', 'sh', '-c', script, source]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, id: (await tmtAsync(dir, ['list', '--json'])).stdout.match(/"id": "([0-9a-z]{26})"/)![1]! };
}

function outputsOf(dir: string, id: string): string {
  return git(dir, 'notes', '--ref=tmt', 'show', `refs/tmt/runs/${id}`).match(/^outputs: ([0-9a-f]{40})$/m)![1]!;
}

/** A file of the run's outputs as git holds it. */
function blobOf(dir: string, id: string, at: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', `${outputsOf(dir, id)}:${at}`], { cwd: dir, env: testEnv });
}

/** One error line and one hint line. */
function expectOneLineError(r: Pick<TmtResult, 'code' | 'stderr'>, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: /);
}

async function expectGetsBack(dir: string, id: string): Promise<void> {
  const out = tempDir('tmt-get-out-');
  // One artifact with a space in its name: a file of that name in the current directory.
  const here = fs.mkdtempSync(path.join(dir, 'here-'));
  let r = await tmtBytes(here, ['get', id.slice(0, 10), 'my model.bin']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.toString()).toBe('my model.bin\n');
  expectFiles(here, { 'my model.bin': ARTIFACTS['my model.bin']! });
  // To stdout, into a pipe: the bytes as stored.
  r = await tmtBytes(dir, ['get', id, 'my model.bin', '-o', '-']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.equals(ARTIFACTS['my model.bin']!)).toBe(true);
  // A name with a tab, given as it is or quoted as tmt show quotes it: one file either way.
  r = await tmtBytes(here, ['get', id, 'tab\tname.txt']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.toString()).toBe('"tab\\tname.txt"\n');
  r = await tmtBytes(dir, ['get', id, '"tab\\tname.txt"', '-o', '-']);
  expect(r.stdout.toString()).toBe('a tab in the name\n');
  expectFiles(here, { 'my model.bin': ARTIFACTS['my model.bin']!, 'tab\tname.txt': ARTIFACTS['tab\tname.txt']! });
  // One nested artifact to a named file, and into a directory under its own name.
  r = await tmtBytes(dir, ['get', id, 'plots/a/loss curve.png', '-o', path.join(out, 'curve.png')]);
  expect(r.code, r.stderr).toBe(0);
  expect(fs.readFileSync(path.join(out, 'curve.png')).equals(ARTIFACTS['plots/a/loss curve.png']!)).toBe(true);
  fs.mkdirSync(path.join(out, 'into'));
  expect((await tmtBytes(dir, ['get', id, 'plots/a/loss curve.png', '-o', path.join(out, 'into')])).code).toBe(0);
  expectFiles(path.join(out, 'into'), { 'loss curve.png': ARTIFACTS['plots/a/loss curve.png']! });
  // A directory's name: what is under it, sub-paths kept, into a directory made for it.
  r = await tmtBytes(dir, ['get', id, 'plots/', '-o', path.join(out, 'plots-only')]);
  expect(r.code, r.stderr).toBe(0);
  expectFiles(path.join(out, 'plots-only'), { 'plots/a/loss curve.png': ARTIFACTS['plots/a/loss curve.png']!, 'plots/b.txt': ARTIFACTS['plots/b.txt']! });
  // --all: every artifact, byte for byte, names too (one is not UTF-8).
  r = await tmtBytes(dir, ['get', id, '--all', '-o', path.join(out, 'all'), '--json']);
  expect(r.code, r.stderr).toBe(0);
  expectFiles(path.join(out, 'all'), ARTIFACTS);
  const got = JSON.parse(r.stdout.toString());
  expect(got).toMatchObject({ schemaVersion: 1, run: { id, name: 'arts' }, leftOut: [] });
  expect(got.files).toContainEqual({ name: 'caf\xe9.txt', nameLatin1: true, path: path.join(out, 'all', 'caf\xe9.txt'), size: 13 });
  expect(got.files).toContainEqual({ name: 'my model.bin', path: path.join(out, 'all', 'my model.bin'), size: 300_000 });
  // The logs and metrics.jsonl exactly as git holds them (the log's escape sequence included).
  for (const [flag, at] of [[['--log', 'stdout'], 'logs/stdout'], [['--log', 'stderr'], 'logs/stderr'], [['--metrics'], 'metrics.jsonl']] as const) {
    r = await tmtBytes(dir, ['get', id, ...flag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(blobOf(dir, id, at)), at).toBe(true);
  }
  expect(blobOf(dir, id, 'logs/stdout').toString()).toBe('out \u001b[31m\n');
  r = await tmtBytes(dir, ['get', id, '--metrics', '-o', path.join(out, 'm.jsonl')]);
  expect(r.code, r.stderr).toBe(0);
  expect(fs.readFileSync(path.join(out, 'm.jsonl'), 'utf8')).toBe('{"step":1,"loss":0.5}\n');
}

describe('tmt get', () => {
  it('gets artifacts, logs and metrics.jsonl back byte for byte, in the recording repository and in a fresh clone after tmt fetch', async () => {
    const bare = bareRepo();
    const { dir, id } = await recordedRun(bare);
    await expectGetsBack(dir, id);
    expect((await tmtAsync(dir, ['push'])).code).toBe(0);
    const clone = cloneOf(bare);
    expectOneLineError(await tmtAsync(clone, ['get', id, '--all']), 4, /^error: no run matches/);
    const f = await tmtAsync(clone, ['fetch']);
    expect(f.code, f.stderr).toBe(0);
    await expectGetsBack(clone, id);
    fsck(clone);
  });

  it('never replaces a file without --force, checks every target before writing any, and refuses what is in the way', async () => {
    const { dir, id } = await recordedRun();
    const out = tempDir('tmt-get-out-');
    fs.mkdirSync(path.join(out, 'plots'));
    fs.writeFileSync(path.join(out, 'plots', 'b.txt'), 'mine');
    fs.writeFileSync(path.join(out, 'empty'), 'mine too');
    let r = await tmtBytes(dir, ['get', id, '--all', '-o', out]);
    expectOneLineError(r, 8, /^error: refused: 2 files exist in .*: (empty, plots\/b\.txt|plots\/b\.txt, empty)$/);
    expect(r.stderr).toMatch(/^hint: --force replaces them$/m);
    // Nothing was written: not even the files that did not exist.
    expect([...filesUnder(out).keys()].sort()).toEqual(['empty', 'plots/b.txt']);
    expect(fs.readFileSync(path.join(out, 'plots', 'b.txt'), 'utf8')).toBe('mine');
    r = await tmtBytes(dir, ['get', id, 'empty', '-o', out]);
    expectOneLineError(r, 8, /^error: refused: a file exists in .*: empty$/);
    expect(r.stderr).toMatch(/^hint: --force replaces it$/m);
    r = await tmtBytes(dir, ['get', id, '--all', '-o', out, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expectFiles(out, ARTIFACTS);
    // A directory where a file goes, and a file where a directory goes: refused even with --force.
    const other = tempDir('tmt-get-out-');
    fs.mkdirSync(path.join(other, 'my model.bin'));
    fs.writeFileSync(path.join(other, 'plots'), 'a file');
    r = await tmtBytes(dir, ['get', id, '--all', '-o', other, '--force']);
    expectOneLineError(r, 8, /^error: refused: in .*, (my model\.bin is a directory, plots is not a directory|plots is not a directory, my model\.bin is a directory)$/);
    expect(filesUnder(other)).toEqual(new Map([['plots', Buffer.from('a file')]]));
    // A device is never replaced by a file (-o /dev/null --force writes nothing).
    expectOneLineError(await tmtBytes(dir, ['get', id, 'empty', '-o', '/dev/null', '--force']), 8, /^error: refused: in \/dev, null is not a regular file$/);
    // No temporary file is ever left behind.
    for (const d of [out, other]) expect([...filesUnder(d).keys()].filter((f) => f.includes('.tmt-get-'))).toEqual([]);
  });

  it('a 200 MB artifact streams through in bounded memory, to a file and into a pipe', async () => {
    const { dir, id } = await recordedRun();
    const big = path.join(tempDir('tmt-get-big-'), 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(200 << 20, 7));
    expect((await tmtAsync(dir, ['log', 'artifact', big, '--run', id])).code).toBe(0);
    fs.rmSync(big);
    // tmt in a process that reports its peak memory: the whole blob in memory would be over 200 MB on top of Node's own.
    const measured = (args: string[]) =>
      new Promise<{ code: number; bytes: number; sum: number; peakMiB: number }>((resolve) => {
        const code = `const { main } = await import(${JSON.stringify(path.join(path.dirname(BIN), 'main.js'))}); process.exitCode = await main(${JSON.stringify(args)}); process.stderr.write('peak ' + process.resourceUsage().maxRSS);`;
        const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, env: testEnv });
        let bytes = 0;
        let sum = 0;
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => {
          bytes += b.length;
          for (const x of b) sum += x;
        });
        child.stderr.on('data', (b) => (stderr += b));
        child.on('close', (c) => resolve({ code: c ?? -1, bytes, sum, peakMiB: Number(/peak (\d+)/.exec(stderr)![1]) / 1024 }));
      });
    const out = tempDir('tmt-get-out-');
    const toFile = await measured(['get', id, 'big.bin', '-o', out]);
    expect(toFile.code).toBe(0);
    expect(fs.statSync(path.join(out, 'big.bin')).size).toBe(200 << 20);
    expect(toFile.peakMiB).toBeLessThan(160);
    const toPipe = await measured(['get', id, 'big.bin', '-o', '-']);
    expect(toPipe).toMatchObject({ code: 0, bytes: 200 << 20, sum: 7 * (200 << 20) });
    expect(toPipe.peakMiB).toBeLessThan(160);
  });

  it('a write that fails midway (a file size limit) leaves no half-written file, in one line (exit 6)', async () => {
    const { dir, id } = await recordedRun();
    const out = tempDir('tmt-get-out-');
    // 100 KiB: the first files fit, the 300 KB model does not.
    const r = await tmtBytes(dir, ['get', id, '--all', '-o', out], 'ulimit -f 100');
    expectOneLineError(r, 6, /^error: cannot write into .*: EFBIG/);
    const left = filesUnder(out);
    expect(left.has('my model.bin')).toBe(false);
    expect([...left.keys()].filter((f) => f.includes('.tmt-get-'))).toEqual([]);
    for (const [name, content] of left) expect(content.equals(ARTIFACTS[name]!), name).toBe(true);
  });

  it('a large artifact is written by git straight into its file, byte-identical, beside small ones; a size limit midway leaves nothing, one line, exit 6', async () => {
    const dir = makeRepo({ 'train.py': 'x\n' });
    const big = bytes(9 << 20, 99); // over the size written directly, with a small file beside it
    const source = tempDir('tmt-get-big-');
    fs.writeFileSync(path.join(source, 'model.bin'), big);
    fs.writeFileSync(path.join(source, 'notes.txt'), 'small\n');
    const rec = await tmtAsync(dir, ['record', '-q', '-n', 'big', '--', 'sh', '-c', 'cp -p "$0"/* "$TMT_ARTIFACTS"/', source]);
    expect(rec.code, rec.stderr).toBe(0);
    const out = tempDir('tmt-get-out-');
    const r = await tmtBytes(dir, ['get', 'big', '--all', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'model.bin')).equals(big)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('small\n');

    const limited = tempDir('tmt-get-out-');
    const cut = await tmtBytes(dir, ['get', 'big', 'model.bin', '-o', `${limited}/`], 'ulimit -f 4000');
    expectOneLineError(cut, 6, /^error: git stopped after writing \d+ of the 9437184 bytes of object \w{12}: the disk is full or a file size limit was reached$/);
    expect(fs.readdirSync(limited)).toEqual([]);
  });

  it('bad input: one line with a hint, exit 2 for usage and 4 for what is not there', async () => {
    const { dir, id } = await recordedRun();
    expectOneLineError(await tmtAsync(dir, ['get', id]), 2, /^error: name the artifacts to get, or give --all, --log or --metrics$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, 'x', '--all']), 2, /^error: artifact names and --all exclude one another$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, '--log', 'stdin']), 2, /^error: --log: expected stdout or stderr, got "stdin"$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, '--all', '-o', '-']), 2, /^error: only one file can go to stdout, and 6 were asked for$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, 'plots', '-o', '-']), 2, /^error: only one file can go to stdout/);
    expectOneLineError(await tmtAsync(dir, ['get', id, 'empty', '-o', '-', '--json']), 2, /^error: --json and stdout/);
    expectOneLineError(await tmtAsync(dir, ['get', id, 'empty', '-o', path.join(dir, 'no/such/dir/x')]), 2, /^error: -o .*: .*no\/such\/dir is not a directory$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, '--all', '-o', path.join(dir, 'train.py')]), 2, /^error: -o .*train\.py: not a directory$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, '--all', '-o', 'train.py/x']), 2, /^error: -o train\.py\/x: not a directory$/);
    expectOneLineError(await tmtAsync(dir, ['get', id, 'empty', '-o', 'train.py/x']), 2, /^error: -o train\.py\/x: .*\/train\.py is not a directory$/);
    const r = await tmtAsync(dir, ['get', id, 'model.bin']);
    expectOneLineError(r, 4, /^error: run [0-9a-z]{12} \(arts\) has no artifact model\.bin$/);
    expect(r.stderr).toMatch(new RegExp(`^hint: it has café\\.txt, empty, my model\\.bin, plots/a/loss curve\\.png, plots/b\\.txt, and 1 more \\(tmt show ${id.slice(0, 12)}\\)$`, 'm'));
    expectOneLineError(await tmtAsync(dir, ['get', 'nosuchrun', '--all']), 4, /^error: no run matches "nosuchrun"$/);
    const saved = (await tmtAsync(dir, ['save', '-n', 'bare'])).stdout.trim();
    expectOneLineError(await tmtAsync(dir, ['get', saved, '--all']), 4, /^error: run [0-9a-z]{12} \(bare\) has no outputs \(logs, metrics or artifacts\)$/);
    expect((await tmtAsync(dir, ['get'])).code).toBe(2);
  });

  it('a run whose objects are not here: names the run and the object, suggests tmt fetch (exit 4), writes nothing', async () => {
    const { dir, id } = await recordedRun();
    const blob = git(dir, 'rev-parse', `${outputsOf(dir, id)}:artifacts/plots/b.txt`);
    fs.rmSync(path.join(dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const out = tempDir('tmt-get-out-');
    for (const args of [['--all', '-o', out], ['my model.bin', '-o', out], ['--metrics']]) {
      const r = await tmtAsync(dir, ['get', id, ...args]);
      expectOneLineError(r, 4, new RegExp(`^error: run ${id.slice(0, 12)} \\(arts\\): its outputs \\(logs, metrics, artifacts\\) is not complete in this repository \\(object ${blob.slice(0, 12)} is missing\\)$`));
      expect(r.stderr).toMatch(/^hint: get the run in full with tmt fetch/m);
    }
    expect(filesUnder(out).size).toBe(0);
  });
});
