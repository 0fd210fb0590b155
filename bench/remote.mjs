// npm run bench:remote [-- --runs 1000 --reps 5 --new 10]
//
// Times `tmt push` against plain `git push` of the same refs with the same
// refspecs ('refs/tmt/runs/*:refs/tmt/runs/*' and refs/notes/tmt), whole
// process, alternating, each time to a fresh copy of the remote:
//   1. the first push of N runs to an empty bare remote;
//   2. pushing a few new runs to a remote that has the N already.
// The runs are shaped like recorded ones: a code tree that differs per run, an
// outputs commit with logs/stdout and metrics.jsonl, and a YAML note; they are
// written with one git fast-import stream, as bench:query does.
import fs from 'node:fs';
import path from 'node:path';
import { benchEnv, fmtMs, git, measure, median, option, ROOT, saveResults, table, tempDir, TMT } from './lib.mjs';

const { serializeMeta } = await import(path.join(ROOT, 'dist/run/note/metadata.js'));
const { newRunId } = await import(path.join(ROOT, 'dist/run/note/id.js'));
const { execFileSync, spawnSync } = await import('node:child_process');

const N = Number(option('runs', '1000'));
const REPS = Number(option('reps', '5'));
const NEW = Number(option('new', '10'));
const SPECS = `'refs/tmt/runs/*:refs/tmt/runs/*' refs/notes/tmt:refs/notes/tmt`;

/** Appends `n` runs (run commit, outputs commit, note) to the repo in one fast-import stream. */
function addRuns(dir, n, first) {
  const head = git(dir, 'rev-parse', 'HEAD');
  const baseTree = git(dir, 'rev-parse', 'HEAD^{tree}');
  const notesTip = spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/notes/tmt'], { cwd: dir, env: benchEnv, encoding: 'utf8' }).stdout.trim();
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const chunks = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = first; i < first + n; i++) {
    const started = t0 + i * 60_000;
    const id = newRunId(started);
    const time = Math.floor(started / 1000);
    const metrics = Array.from({ length: 20 }, (_, s) => JSON.stringify({ step: s, loss: 1 / (s + 1 + i), acc: s / (20 + i) })).join('\n') + '\n';
    const stdout = Array.from({ length: 40 }, (_, s) => `epoch ${s} run ${i} loss ${1 / (s + 1 + i)}`).join('\n') + '\n';
    chunks.push(`commit refs/tmt/bench/outputs\nmark :${3 * i + 1}\ncommitter tmt <tmt@localhost> ${time} +0000\n${data(`tmt outputs ${id}\n`)}`);
    chunks.push(`M 100644 inline logs/stdout\n${data(stdout)}M 100644 inline metrics.jsonl\n${data(metrics)}\n`);
    chunks.push(`reset refs/tmt/bench/outputs\n`);
    chunks.push(`commit refs/tmt/runs/${id}\nmark :${3 * i + 2}\ncommitter tmt <tmt@localhost> ${time} +0000\n${data(`tmt run ${id}\n`)}from ${head}\nmerge :${3 * i + 1}\n`);
    chunks.push(`M 100644 inline params.yaml\n${data(`lr: ${0.001 * (i + 1)}\nseed: ${i}\n`)}\n`);
    const meta = {
      schemaVersion: 1, id, name: `sweep-${i % 50}`, tags: [], status: 'finished',
      params: { lr: 0.001 * (i + 1), seed: i }, metrics: {}, started: new Date(started).toISOString(),
      // A well-formed id (the base's tree): the run's own tree is known only after fast-import.
      git: { base: head, branch: 'main', dirty: true, tree: baseTree },
    };
    chunks.push({ mark: 3 * i + 2, note: serializeMeta(meta) });
  }
  const notes = chunks.filter((c) => typeof c !== 'string');
  const stream = chunks.filter((c) => typeof c === 'string');
  stream.push(`commit refs/notes/tmt\ncommitter tmt <tmt@localhost> ${Math.floor(t0 / 1000)} +0000\n${data('bench notes\n')}${notesTip ? `from ${notesTip}\n` : ''}`);
  for (const c of notes) stream.push(`N inline :${c.mark}\n${data(c.note)}`);
  stream.push('\n');
  execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: dir, env: benchEnv, input: stream.join('') + 'done\n', maxBuffer: 1 << 28 });
  git(dir, 'update-ref', '-d', 'refs/tmt/bench/outputs');
}

function build() {
  const dir = tempDir('tmt-bench-remote-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, `mod${i}.py`), `# module ${i}\n${'x = 1\n'.repeat(200)}`);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  addRuns(dir, N, 0);
  git(dir, 'remote', 'add', 'bench', path.join(dir, 'unused.git'));
  return dir;
}

function freshBare(from) {
  const dir = path.join(tempDir('tmt-bench-bare-'), 'remote.git');
  if (from) fs.cpSync(from, dir, { recursive: true });
  else git(path.dirname(dir), 'init', '-q', '--bare', 'remote.git');
  git(dir, 'config', 'gc.auto', '0');
  return dir;
}

/** Times tmt and git alternately; `prepare(tool)` returns the bare remote to push to. */
function compare(label, dir, prepare) {
  const times = { tmt: [], git: [] };
  for (let r = 0; r < REPS; r++) {
    for (const tool of r % 2 ? ['git', 'tmt'] : ['tmt', 'git']) {
      const bare = prepare(tool);
      git(dir, 'remote', 'set-url', 'bench', bare);
      const cmd = tool === 'tmt' ? `node ${TMT} push -q bench` : `git push -q bench ${SPECS}`;
      times[tool].push(measure(cmd, dir).ms);
      const runs = (d) => git(d, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/tmt/runs/');
      if (git(bare, 'rev-parse', 'refs/notes/tmt') !== git(dir, 'rev-parse', 'refs/notes/tmt') || runs(bare) !== runs(dir)) {
        throw new Error(`${tool} push left the remote different from the local repo`);
      }
    }
  }
  const t = median(times.tmt);
  const g = median(times.git);
  return { label, tmt: t, git: g, ratio: t / g, samples: times };
}

process.stderr.write(`building a repo with ${N.toLocaleString('en-US')} runs...\n`);
const dir = build();
const counts = Object.fromEntries(git(dir, 'count-objects', '-v').split('\n').map((l) => l.split(': ')));
const objects = `${Number(counts.count) + Number(counts['in-pack'])} objects`;
const results = [];

results.push(
  compare(`first push of ${N.toLocaleString('en-US')} runs to an empty remote`, dir, (tool) => {
    if (tool === 'tmt') git(dir, 'update-ref', '-d', 'refs/notes/tmt-remotes/bench');
    return freshBare();
  }),
);

// A remote that has the N runs; then NEW more runs here.
const base = freshBare();
git(dir, 'remote', 'set-url', 'bench', base);
execFileSync('git', ['push', '-q', 'bench', 'refs/tmt/runs/*:refs/tmt/runs/*', 'refs/notes/tmt:refs/notes/tmt'], { cwd: dir, env: benchEnv });
const seen = git(dir, 'rev-parse', 'refs/notes/tmt');
addRuns(dir, NEW, N);
results.push(
  compare(`${NEW} new runs to a remote with ${N.toLocaleString('en-US')}`, dir, (tool) => {
    if (tool === 'tmt') git(dir, 'update-ref', 'refs/notes/tmt-remotes/bench', seen);
    return freshBare(base);
  }),
);

console.log(`\nbench:remote: ${N.toLocaleString('en-US')} runs (${objects}), ${REPS} reps each, medians, whole process\n`);
console.log(table(['push', 'tmt push', 'git push', 'tmt / git'], results.map((r) => [r.label, fmtMs(r.tmt), fmtMs(r.git), `${r.ratio.toFixed(2)}x`])));
console.log(`\ngit push: git push -q REMOTE ${SPECS}\ntmt push: tmt push -q REMOTE (the same refspecs, --atomic, with a --force-with-lease on the notes)`);
console.log(`saved ${saveResults('remote', { runs: N, reps: REPS, results })}`);
