// npm run bench:record [-- --sizes 1000,10000 --runs 7]
//
// Overhead of `tmt record -- true` over running `true` directly, on synthetic
// repos with a warm stat cache, next to native git doing the same storage work
// in one shell script (snapshot on a copy of the index, run commit, update-ref,
// notes add; then an outputs tree and commit, the rewritten run commit,
// update-ref and notes add). Also reports Node's own start-up and tmt's
// module loading, which are part of every command's cost.
import fs from 'node:fs';
import path from 'node:path';
import { option, fmtMs, git, measure, median, saveResults, table, tempDir, TMT, writeSyntheticFiles } from './lib.mjs';

const SIZES = option('sizes', '1000,10000').split(',').map(Number);
const RUNS = Number(option('runs', '7'));

const NATIVE = `set -e
T=.git/bench-index; cp .git/index $T
GIT_INDEX_FILE=$T git add -A; tree=$(GIT_INDEX_FILE=$T git write-tree); rm -f $T
id=bench$$-$(date +%s%N)
c=$(git commit-tree $tree -p HEAD -m "run $id")
git update-ref refs/tmt/runs/$id $c ""
echo "status: running" | git notes --ref=tmt add -f -F - $c
true
log=$(printf '' | git hash-object -w --stdin)
otree=$(printf '100644 blob %s\\tstdout\\n' $log | git mktree)
o=$(git commit-tree $otree -m outputs)
c2=$(git commit-tree $tree -p HEAD -p $o -m "run $id")
git update-ref refs/tmt/runs/$id $c2 $c
git notes --ref=tmt remove $c 2>/dev/null
echo "status: finished" | git notes --ref=tmt add -f -F - $c2`;

function build(n) {
  const dir = tempDir(`tmt-bench-record-${n}-`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  writeSyntheticFiles(dir, n);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'synthetic');
  return dir;
}

const results = [];
const cwd = tempDir('tmt-bench-empty-');
const nodeStart = median(Array.from({ length: RUNS }, () => measure(`node -e ''`, cwd).ms));
const tmtHelp = median(Array.from({ length: RUNS }, () => measure(`node ${TMT} --version`, cwd).ms));
const tmtLoad = median(Array.from({ length: RUNS }, () => measure(`node -e 'await import("${path.join(path.dirname(TMT), '../index.js')}")' --input-type=module`, cwd).ms));

for (const n of SIZES) {
  process.stderr.write(`building ${n}-file repo...\n`);
  const dir = build(n);
  // A twin for native git, so its notes writes never share a reflog with tmt's.
  const twin = tempDir(`tmt-bench-record-native-${n}-`);
  fs.cpSync(dir, twin, { recursive: true });
  measure(`node ${TMT} record -q -- true`, dir); // warm the stat cache
  const bare = [];
  const tmt = [];
  const native = [];
  for (let i = 0; i < RUNS; i++) {
    for (const d of [dir, twin]) fs.appendFileSync(path.join(d, 'pkg0/mod0/part0/f0.py'), `# edit ${i}\n`);
    bare.push(measure('true', dir).ms);
    tmt.push(measure(`node ${TMT} record -q -- true`, dir).ms);
    native.push(measure(NATIVE, twin).ms);
  }
  const b = median(bare);
  results.push({ files: n, bare: b, tmt: median(tmt), native: median(native), tmtOverhead: median(tmt) - b, nativeOverhead: median(native) - b });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(twin, { recursive: true, force: true });
}

console.log(`\nrecord overhead: medians of ${RUNS} runs, ${new Date().toISOString()}\n`);
console.log(
  table(
    ['files', '`true` alone', 'tmt record -- true', 'tmt overhead', 'native git, same storage work', 'tmt / git'],
    results.map((r) => [r.files.toLocaleString('en-US'), fmtMs(r.bare), fmtMs(r.tmt), fmtMs(r.tmtOverhead), fmtMs(r.nativeOverhead), `${(r.tmtOverhead / r.nativeOverhead).toFixed(2)}×`]),
  ),
);
console.log(`\nstart-up: node -e '' ${fmtMs(nodeStart)}; tmt --version ${fmtMs(tmtHelp)}; loading the library (import 'tmt') ${fmtMs(tmtLoad)}`);
console.log(`results: ${saveResults('record', { results, nodeStart, tmtHelp, tmtLoad })}`);
