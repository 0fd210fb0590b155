// npm run bench:sweep [-- --trials 200 --files 1000 --reps 3 --cheap-reps 5]
//
// Per-trial cost of `tmt sweep SPEC -j 1` and `-j 2` over a spec of N trials
// of `true` (a grid of one param, appended as `--i K`, which `true` ignores),
// whole process, in a repo of 1,000 small committed files, a few untracked
// ones and an ignored data/ (linked into the sweep's workspaces), next to:
//   - a shell loop of N `tmt record -q -- true` (Node start-up and a snapshot of
//     the working tree every time),
//   - native git doing each trial's storage work in a shell loop (NATIVE below),
//   - N runs of `true` itself (what the trials' command costs), and
//   - Node's start-up (`node -e ''`), the floor of every tmt process.
// A 1-trial sweep gives the sweep's fixed cost (start-up, the snapshot, the
// workspaces), so the table also shows the marginal cost of a trial.
// Every timed case gets a fresh copy of the same repo: a sweep that ran is
// done (running it again runs nothing), and the notes ref grows with every
// run, so no case should pay for another's runs. After each one, the bench
// checks that every trial finished (`tmt sweep SPEC --missing` prints nothing)
// and that there are N run refs. Medians; cases interleave, since the machine
// is noisy.
import fs from 'node:fs';
import path from 'node:path';
import { fmtMb, fmtMs, git, measure, median, option, saveResults, table, tempDir, TMT, writeSyntheticFiles } from './lib.mjs';

const TRIALS = Number(option('trials', '200'));
const FILES = Number(option('files', '1000'));
const REPS = Number(option('reps', '3'));
const CHEAP_REPS = Math.max(REPS, Number(option('cheap-reps', '5')));
const TARGET_MS = 150;
const NODE = JSON.stringify(process.execPath);
const tmt = (args) => `${NODE} ${JSON.stringify(TMT)} ${args}`;
const TRUE = fs.existsSync('/bin/true') ? '/bin/true' : '/usr/bin/true';

// What one sweep trial stores, in native git, N times over; what the sweep
// does once is done once here too:
//   once:      snapshot the working tree (tracked + untracked, not ignored) on a
//              copy of the index: add -A, write-tree;
//   per trial: the run commit (commit-tree <tree> -p HEAD), its ref
//              (update-ref refs/tmt/runs/<id>, must not exist), its note of
//              about 700 bytes of YAML, as tmt writes (notes add: blob, notes
//              tree, notes commit); the command `true --i K` with stdout and
//              stderr to files; then the outputs: both logs hashed
//              (hash-object -w, one process), a flat tree of the two (mktree; tmt
//              puts them under logs/, next to metrics.jsonl) and the
//              outputs commit (commit-tree); the run commit rewritten with the
//              outputs as second parent and the first run commit as third (as
//              tmt does, so the ref only moves forward), the ref moved to it
//              (update-ref, compare-and-swap), the first note removed and the
//              final note added (notes remove, notes add).
// That is 10 git processes a trial. It leaves out what tmt adds for safety
// and isolation: notes written through a scratch ref swapped in with
// compare-and-swap in one transaction with the run ref, the checks around it,
// metrics.jsonl, and putting the workspace back between trials.
const NATIVE = (n) => `set -e
T=.git/bench-index; cp .git/index $T
GIT_INDEX_FILE=$T git add -A; tree=$(GIT_INDEX_FILE=$T git write-tree); rm -f $T
base=$(git rev-parse HEAD); started=$(date -u +%FT%TZ)
note() { printf 'schemaVersion: 1\\nid: %s\\nname: bench-%s\\ntags:\\n  - bench\\nstatus: %s\\nparams:\\n  i: %s\\nmetrics: {}\\nstarted: "%s"\\nhost:\\n  hostname: vm\\n  user: bench\\n  os: linux\\n  node: v20\\n  pid: %s\\ngit:\\n  base: %s\\n  branch: main\\n  dirty: true\\n  tree: %s\\nsnapshot:\\n  files: ${FILES}\\n  skipped: []\\ncommand:\\n  argv:\\n    - "true"\\n    - "--i"\\n    - "%s"\\n  cwd: %s\\n  dir: ""\\nsweep:\\n  name: bench\\n  index: %s\\n  repeat: 0\\n%b' $id $i $1 $i $started $$ $base $tree $i "$PWD" $i "$2"; }
for i in $(seq 0 ${n - 1}); do
  id=bench-$$-$i
  c=$(git commit-tree $tree -p $base -m "tmt run $id")
  git update-ref refs/tmt/runs/$id $c ""
  note running '' | git notes --ref=tmt add -f -F - $c
  ${TRUE} --i $i > .git/bench-stdout 2> .git/bench-stderr
  set -- $(git hash-object -w .git/bench-stdout .git/bench-stderr)
  otree=$(printf '100644 blob %s\\tstdout\\n100644 blob %s\\tstderr\\n' $1 $2 | git mktree)
  o=$(git commit-tree $otree -m "tmt outputs $id")
  c2=$(git commit-tree $tree -p $base -p $o -p $c -m "tmt run $id")
  git update-ref refs/tmt/runs/$id $c2 $c
  git notes --ref=tmt remove $c
  note finished "exitCode: 0\\noutputs: $o\\n" | git notes --ref=tmt add -f -F - $c2
done
rm -f .git/bench-stdout .git/bench-stderr`;

// The repo every case starts from: FILES committed files, a .gitignore with
// data/, an ignored data/ with a file in it, and three untracked files.
function buildTemplate() {
  const dir = tempDir(`tmt-bench-sweep-${FILES}-`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  writeSyntheticFiles(dir, FILES);
  fs.writeFileSync(path.join(dir, '.gitignore'), 'data/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'synthetic');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/train.csv'), 'x,y\n1,2\n'.repeat(1000));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'untracked notes\n');
  fs.writeFileSync(path.join(dir, 'scratch.py'), 'print("untracked")\n');
  fs.mkdirSync(path.join(dir, 'wip'));
  fs.writeFileSync(path.join(dir, 'wip/idea.py'), 'x = 1\n');
  return dir;
}

const template = buildTemplate();
let copies = 0;
/** A fresh copy of the template repo, its index refreshed (the copy's stat data differs). */
function fresh() {
  const dir = `${template}-copy${copies++}`;
  fs.cpSync(template, dir, { recursive: true });
  git(dir, 'update-index', '-q', '--refresh');
  return dir;
}
const drop = (dir) => fs.rmSync(dir, { recursive: true, force: true });

// The specs live outside the repo, so every copy is the same working tree.
const specDir = tempDir('tmt-bench-sweep-spec-');
function spec(name, n) {
  const file = path.join(specDir, `${name}-${n}.yaml`);
  fs.writeFileSync(file, `name: ${name}\ncommand: "true"\ngrid:\n  i: [${Array.from({ length: n }, (_, i) => i).join(', ')}]\n`);
  return file;
}
const SPEC = spec('bench', TRIALS);
const SPEC1 = spec('bench', 1);

function checkRuns(dir, n, what) {
  const refs = git(dir, 'for-each-ref', 'refs/tmt/runs').split('\n').filter(Boolean).length;
  if (refs !== n) throw new Error(`${what}: expected ${n} run refs, found ${refs} (in ${dir})`);
}

function sweepCase(file, n, jobs) {
  const dir = fresh();
  const r = measure(tmt(`sweep ${JSON.stringify(file)} -j ${jobs} -q`), dir);
  const missing = measure(tmt(`sweep ${JSON.stringify(file)} --missing`), dir).stdout;
  if (missing.trim() !== '') throw new Error(`sweep -j ${jobs}: trials with no finished run after the sweep: ${missing.trim().split('\n').join(' ')}`);
  checkRuns(dir, n, `sweep -j ${jobs}`);
  const left = fs.existsSync(path.join(dir, '.git/tmt/workspaces')) ? fs.readdirSync(path.join(dir, '.git/tmt/workspaces')) : [];
  if (left.length) throw new Error(`sweep -j ${jobs} left workspaces behind: ${left.join(', ')}`);
  drop(dir);
  return r;
}

function loopCase(script, what) {
  const dir = fresh();
  const r = measure(script, dir);
  checkRuns(dir, TRIALS, what);
  drop(dir);
  return r;
}

const cases = {
  floor: { name: "node -e '' (one process)", per: 1, ms: [] },
  bare: { name: `\`true\` ×${TRIALS} (fork + exec)`, per: TRIALS, ms: [] },
  native: { name: `native git, each trial's storage work ×${TRIALS}`, per: TRIALS, ms: [] },
  record: { name: `shell loop: tmt record -q -- true ×${TRIALS}`, per: TRIALS, ms: [], rss: [] },
  sweep1: { name: `tmt sweep -j 1, ${TRIALS} trials`, per: TRIALS, ms: [], rss: [] },
  sweep2: { name: `tmt sweep -j 2, ${TRIALS} trials`, per: TRIALS, ms: [], rss: [] },
  one: { name: 'tmt sweep -j 1, 1 trial (fixed cost)', per: 1, ms: [], rss: [] },
};
const push = (c, r) => {
  c.ms.push(r.ms);
  if (c.rss && r.rssKb) c.rss.push(r.rssKb);
};

const started = performance.now();
const emptyDir = tempDir('tmt-bench-empty-');
for (let rep = 0; rep < CHEAP_REPS; rep++) {
  process.stderr.write(`rep ${rep + 1} of ${CHEAP_REPS}${rep < REPS ? '' : ' (cheap cases only)'}...\n`);
  for (let k = 0; k < 3; k++) push(cases.floor, measure(`${NODE} -e ''`, emptyDir));
  push(cases.bare, measure(`for i in $(seq ${TRIALS}); do ${TRUE} --i $i; done`, emptyDir));
  push(cases.native, loopCase(NATIVE(TRIALS), 'native git'));
  if (rep >= REPS) continue;
  // Alternate the order of the costly cases, so none always follows the same one.
  const costly = [
    () => push(cases.sweep1, sweepCase(SPEC, TRIALS, 1)),
    () => push(cases.sweep2, sweepCase(SPEC, TRIALS, 2)),
    () => push(cases.record, loopCase(`set -e; for i in $(seq ${TRIALS}); do ${tmt('record -q -- true')}; done`, 'tmt record loop')),
    () => push(cases.one, sweepCase(SPEC1, 1, 1)),
  ];
  for (const run of rep % 2 ? costly.reverse() : costly) run();
}
const benchMs = performance.now() - started;

const m = Object.fromEntries(Object.entries(cases).map(([k, c]) => [k, { name: c.name, whole: median(c.ms), per: median(c.ms) / c.per, rssKb: c.rss?.length ? median(c.rss) : undefined, n: c.ms.length }]));
const bareTrial = m.bare.per;
const marginal = (m.sweep1.whole - m.one.whole) / (TRIALS - 1);
const fmt = (ms) => (ms < 10 ? `${ms.toFixed(1)} ms` : fmtMs(ms));
const rows = ['floor', 'bare', 'native', 'record', 'sweep1', 'sweep2', 'one'].map((k) => {
  const c = m[k];
  const overhead = c.per === c.whole ? '' : k === 'bare' ? '' : fmt(c.per - bareTrial);
  return [c.name, fmtMs(c.whole), c.per === c.whole ? '' : fmt(c.per), overhead, c.rssKb ? fmtMb(c.rssKb) : '', String(c.n)];
});
const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : 'n/a';
console.log(`\nsweep overhead: ${TRIALS} trials of \`true\`, ${FILES} code files; medians, ${new Date().toISOString()}; load average ${load}\n`);
console.log(table(['case', 'whole process', 'per trial', 'per trial minus `true`', 'peak RSS', 'runs'], rows));
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const overhead1 = m.sweep1.per - bareTrial;
console.log(`
sweep -j 1 per trial vs a tmt record loop: ${ratio(m.sweep1.per, m.record.per)} (${fmt(m.sweep1.per)} vs ${fmt(m.record.per)})
sweep -j 1 per trial vs native git's storage work: ${ratio(m.sweep1.per - bareTrial, m.native.per - bareTrial)} (${fmt(overhead1)} vs ${fmt(m.native.per - bareTrial)}, \`true\` taken off both)
sweep -j 2 vs -j 1, whole process: ${ratio(m.sweep2.whole, m.sweep1.whole)}
sweep -j 1: fixed cost ${fmtMs(m.one.whole)} (a 1-trial sweep), then ${fmt(marginal)} a trial
target: under ${TARGET_MS} ms of overhead a trial at -j 1, whole process: ${fmt(overhead1)}: ${overhead1 < TARGET_MS ? 'met' : 'NOT met'}
node -e '' ${fmt(m.floor.whole)}; bench took ${fmtMs(benchMs)}`);
console.log(`results: ${saveResults('sweep', { trials: TRIALS, files: FILES, reps: REPS, cheapReps: CHEAP_REPS, load, cases, medians: m, marginalMs: marginal, targetMs: TARGET_MS, met: overhead1 < TARGET_MS })}`);
for (const d of [template, specDir, emptyDir]) drop(d);
