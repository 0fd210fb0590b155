// npm run bench:snapshot [-- --sizes 1000,10000,50000 --runs 5]
//
// tmt snapshot against native git's `cp .git/index T; GIT_INDEX_FILE=T git add -A;
// git write-tree` (cp -p: the copy keeps the index's mtime, as git's racy rule needs), side by side in one run, whole process for both (node start-up
// included for tmt). Each iteration runs tmt and git back to back on the same
// working tree and checks that their tree ids are identical.
import fs from 'node:fs';
import path from 'node:path';
import { option, benchEnv, fmtMb, fmtMs, git, measure, median, saveResults, table, tempDir, TMT, writeSyntheticFiles } from './lib.mjs';

const SIZES = option('sizes', '1000,10000,50000').split(',').map(Number);
const RUNS = Number(option('runs', '5'));

const NATIVE = 'if [ -f .git/index ]; then cp -p .git/index "$T"; else rm -f "$T"; fi; GIT_INDEX_FILE="$T" git add -A && GIT_INDEX_FILE="$T" git write-tree; rm -f "$T"';
const tmtCmd = (flags = '') => `node ${TMT} snapshot --json ${flags}`;

function build(n, tracked) {
  const dir = tempDir(`tmt-bench-${n}-`);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0'); // no background gc mid-measurement
  writeSyntheticFiles(dir, n);
  if (tracked) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'synthetic');
    git(dir, 'gc', '-q'); // a realistic repo keeps most objects packed
  }
  return dir;
}

function dropLooseObjects(dir) {
  const objects = path.join(dir, '.git/objects');
  for (const d of fs.readdirSync(objects)) if (/^[0-9a-f]{2}$/.test(d)) fs.rmSync(path.join(objects, d), { recursive: true });
}

function touchOne(dir, i) {
  const f = path.join(dir, 'pkg0/mod0/part0/f0.py');
  fs.appendFileSync(f, `# edit ${i}\n`);
}

/** One scenario: `before(i)` prepares the tree, then tmt and git run back to back. */
function scenario(dir, { tmtFlags = '', before = () => {}, beforeTmt = () => {}, beforeNative = () => {}, runs }) {
  const t = [];
  const g = [];
  const inproc = [];
  const rss = [];
  const grss = [];
  let identical = true;
  for (let i = 0; i < runs; i++) {
    before(i);
    beforeTmt(i);
    const a = measure(tmtCmd(tmtFlags), dir);
    beforeNative(i);
    const b = measure(NATIVE.replaceAll('$T', path.join(dir, '.git/bench-index')), dir);
    const json = JSON.parse(a.stdout);
    if (json.tree !== b.stdout.trim()) identical = false;
    t.push(a.ms);
    g.push(b.ms);
    inproc.push(json.ms);
    rss.push(a.rssKb ?? 0);
    grss.push(b.rssKb ?? 0);
  }
  return {
    tmt: median(t),
    tmtInProcess: median(inproc),
    git: median(g),
    ratio: median(t) / median(g),
    tmtRssKb: Math.max(...rss) || undefined,
    gitRssKb: Math.max(...grss) || undefined,
    identical,
  };
}

const results = [];
for (const n of SIZES) {
  const runs = n >= 50000 ? Math.max(3, RUNS - 2) : RUNS;
  process.stderr.write(`building ${n}-file repos...\n`);
  const tracked = build(n, true);
  const untracked = build(n, false);
  const rows = {};

  measure(tmtCmd(), tracked); // seed the stat cache
  rows['tracked, warm (1 file changed)'] = scenario(tracked, { runs, before: (i) => touchOne(tracked, i) });
  rows['tracked, cold (no tmt cache)'] = scenario(tracked, {
    runs,
    before: (i) => touchOne(tracked, i),
    beforeTmt: () => fs.rmSync(path.join(tracked, '.git/tmt'), { recursive: true, force: true }),
  });

  measure(tmtCmd(), untracked); // objects exist and the cache is seeded
  rows['untracked, warm (1 file changed)'] = scenario(untracked, { runs, before: (i) => touchOne(untracked, i) });
  rows['untracked, cold (--no-cache)'] = scenario(untracked, { runs, tmtFlags: '--no-cache', before: (i) => touchOne(untracked, i) });
  rows['every file new to the object store'] = scenario(untracked, {
    runs,
    tmtFlags: '--no-cache',
    beforeTmt: () => dropLooseObjects(untracked),
    beforeNative: () => dropLooseObjects(untracked),
  });

  for (const [name, r] of Object.entries(rows)) results.push({ files: n, scenario: name, ...r });
  fs.rmSync(tracked, { recursive: true, force: true });
  fs.rmSync(untracked, { recursive: true, force: true });
}

const headers = ['files', 'scenario', 'tmt (process)', 'tmt (in-process)', 'native git', 'tmt / git', 'tmt peak RSS', 'git peak RSS', 'same tree'];
const rows = results.map((r) => [
  r.files.toLocaleString('en-US'),
  r.scenario,
  fmtMs(r.tmt),
  fmtMs(r.tmtInProcess),
  fmtMs(r.git),
  `${r.ratio.toFixed(2)}×`,
  fmtMb(r.tmtRssKb),
  fmtMb(r.gitRssKb),
  r.identical ? 'yes' : 'NO',
]);
console.log(`\nsnapshot: medians of ${RUNS} runs (3 at 50k), ${benchEnv.HOSTNAME ?? 'this machine'}, ${new Date().toISOString()}\n`);
console.log(table(headers, rows));
console.log(`\nresults: ${saveResults('snapshot', results)}`);
if (results.some((r) => !r.identical)) {
  console.error('tmt and git produced different trees');
  process.exitCode = 1;
}
