// npm run bench:getting-back [-- --reps 7 --files 2000 --mb 64 --artifacts 500]
//
// Getting a run back out, whole process, next to the native git doing the same
// work, alternating in one run (medians; the machine is noisy):
//   get one     `tmt get RUN model.bin -o FILE` and `-o -` vs `git cat-file blob <oid>` (a large artifact)
//   get all     `tmt get RUN --all -o DIR`       vs `git archive <outputs>:artifacts | tar -x`
//   checkout    `tmt checkout RUN DIR`           vs `git worktree add --detach DIR <commit>`, then removed
//   rerun       `tmt rerun RUN` (command `true`) vs `git worktree add` + `true` + `git worktree remove`
//   metrics     `tmt metrics RUN`                vs `git cat-file blob <outputs>:metrics.jsonl`
// Node's own start-up (`node -e ''`) is the floor of every tmt figure.
import fs from 'node:fs';
import path from 'node:path';
import { fmtMs, git, measure, median, option, saveResults, table, tempDir, TMT, writeSyntheticFiles } from './lib.mjs';

const REPS = Number(option('reps', '7'));
const FILES = Number(option('files', '2000'));
const MB = Number(option('mb', '64'));
const ARTIFACTS = Number(option('artifacts', '500'));
const tmt = (args) => `${JSON.stringify(process.execPath)} ${JSON.stringify(TMT)} ${args}`;

const dir = tempDir('tmt-bench-back-');
git(dir, 'init', '-q', '-b', 'main');
writeSyntheticFiles(dir, FILES);
git(dir, 'add', '-A');
git(dir, 'commit', '-q', '-m', 'code');
// A run whose command writes one large artifact, many small ones and 2,000 metric points.
const script = path.join(tempDir('tmt-bench-script-'), 'emit.cjs');
fs.writeFileSync(
  script,
  `const fs = require('fs'), path = require('path'), a = process.env.TMT_ARTIFACTS;
const big = Buffer.alloc(${MB} * 1024 * 1024); for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
fs.writeFileSync(path.join(a, 'model.bin'), big);
for (let i = 0; i < ${ARTIFACTS}; i++) { fs.mkdirSync(path.join(a, 'plots', String(i % 10)), { recursive: true }); fs.writeFileSync(path.join(a, 'plots', String(i % 10), 'p' + i + '.txt'), 'x'.repeat(1024)); }
const m = []; for (let s = 0; s < 1000; s++) m.push(JSON.stringify({ step: s, loss: 1 / (s + 1), acc: s / 1000 }));
fs.writeFileSync(process.env.TMT_METRICS, m.join('\\n') + '\\n');`,
);
measure(tmt(`record -q -n big -- node ${script}`), dir);
measure(tmt('record -q -n quick -- true'), dir);
const run = JSON.parse(measure(tmt('show big --json'), dir).stdout).run;
const outputs = run.meta.outputs;
const blob = git(dir, 'rev-parse', `${outputs}:artifacts/model.bin`);
const quick = JSON.parse(measure(tmt('show quick --json'), dir).stdout).run;
const scratch = tempDir('tmt-bench-out-');

let n = 0;
const fresh = () => path.join(scratch, `o${n++}`);
const cases = [
  ['get one to a file (64 MiB)', () => measure(tmt(`get big model.bin -o ${fresh()}`), dir), () => measure(`git cat-file blob ${blob} > ${fresh()}`, dir)],
  ['get one to stdout (64 MiB)', () => measure(tmt('get big model.bin -o - > /dev/null'), dir), () => measure(`git cat-file blob ${blob} > /dev/null`, dir)],
  ['get all', () => measure(tmt(`get big --all -o ${fresh()}`), dir), () => { const o = fresh(); fs.mkdirSync(o); return measure(`git archive ${outputs}:artifacts | tar -x -C ${o}`, dir); }],
  ['checkout', () => { const o = fresh(); const r = measure(tmt(`checkout big ${o}`), dir); git(dir, 'worktree', 'remove', '--force', o); return r; }, () => { const o = fresh(); const r = measure(`git worktree add -q --detach ${o} ${run.commit}`, dir); git(dir, 'worktree', 'remove', '--force', o); return r; }],
  ['rerun (`true`)', () => measure(tmt('rerun quick -q --no-link'), dir), () => { const o = fresh(); return measure(`git worktree add -q --detach ${o} ${quick.commit} && (cd ${o} && true) && git worktree remove --force ${o}`, dir); }],
  ['metrics (2,000 points)', () => measure(tmt('metrics big > /dev/null'), dir), () => measure(`git cat-file blob ${outputs}:metrics.jsonl > /dev/null`, dir)],
];
const floor = [];
const results = cases.map(([name]) => ({ name, tmt: [], git: [], rss: [] }));
for (let rep = 0; rep < REPS; rep++) {
  floor.push(measure(`${JSON.stringify(process.execPath)} -e ''`, dir).ms);
  cases.forEach(([, t, g], i) => {
    // Alternate which goes first, so neither always meets a warm cache.
    const [a, b] = rep % 2 ? [g, t] : [t, g];
    const ra = a();
    const rb = b();
    const [rt, rg] = rep % 2 ? [rb, ra] : [ra, rb];
    results[i].tmt.push(rt.ms);
    results[i].git.push(rg.ms);
    if (rt.rssKb) results[i].rss.push(rt.rssKb);
  });
}
const rows = results.map((r) => [r.name, fmtMs(median(r.tmt)), fmtMs(median(r.git)), `${(median(r.tmt) / median(r.git)).toFixed(2)}×`, r.rss.length ? `${(median(r.rss) / 1024).toFixed(0)} MB` : 'n/a']);
console.log(`\n${FILES} code files, ${MB} MiB model, ${ARTIFACTS} small artifacts; medians of ${REPS}; node -e '' ${fmtMs(median(floor))}\n`);
console.log(table(['case', 'tmt', 'git', 'ratio', 'tmt peak RSS'], rows));
saveResults('getting-back', { reps: REPS, files: FILES, mb: MB, artifacts: ARTIFACTS, nodeFloorMs: median(floor), results });
fs.rmSync(scratch, { recursive: true, force: true });
git(dir, 'worktree', 'prune');
fs.rmSync(dir, { recursive: true, force: true });
