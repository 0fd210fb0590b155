// npm run bench:query [-- --sizes 1000,10000,100000 --runs 5]
//
// Builds repos with N runs through tmt's own storage code (one fast-import
// stream: run commits, refs and notes written by git), then times
//   tmt list --where 'metrics.acc > 0.5 and params.lr < 0.01' --sort metrics.acc:desc --limit 20
// cold (no catalog), warm, and warm after one new run (the catalog's
// incremental update), whole process, side by side with native git
// reading the same data: `git for-each-ref refs/tmt/runs` plus
// `git notes list | git cat-file --batch`. Refs are packed, as `git gc` leaves them.
import fs from 'node:fs';
import path from 'node:path';
import { baseRepo, fmtMb, fmtMs, git, measure, median, option, ROOT, saveResults, table, tempDir, TMT } from './lib.mjs';

const { writeRunsBulk } = await import(path.join(ROOT, 'dist/git/bulk.js'));
const { openRepo } = await import(path.join(ROOT, 'dist/git/repo.js'));
const { serializeMeta } = await import(path.join(ROOT, 'dist/run/note/metadata.js'));
const { newRunId } = await import(path.join(ROOT, 'dist/run/note/id.js'));

const SIZES = option('sizes', '1000,10000,100000').split(',').map(Number);
const RUNS = Number(option('runs', '5'));
const QUERY = `list --where 'metrics.acc > 0.5 and params.lr < 0.01' --sort metrics.acc:desc --limit 20`;
const NATIVE = `git for-each-ref refs/tmt/runs/ > /dev/null && git notes --ref=tmt list | cut -d' ' -f1 | git cat-file --batch > /dev/null`;

let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

async function build(n) {
  const { dir, head, tree } = baseRepo(`tmt-bench-query-${n}-`);
  const repo = await openRepo({ cwd: dir });
  const t0 = Date.UTC(2026, 0, 1);
  const runs = [];
  for (let i = 0; i < n; i++) {
    const started = t0 + i * 60_000;
    const id = newRunId(started);
    const acc = rand();
    const loss = 1 - acc + rand() * 0.1;
    const meta = {
      schemaVersion: 1,
      id,
      name: `sweep-${i % 50}`,
      tags: i % 10 === 0 ? ['baseline'] : [],
      status: 'finished',
      params: { lr: [0.001, 0.003, 0.01, 0.03, 0.1][i % 5], batch: 32 * (1 + (i % 4)), seed: i % 5, model: ['mlp', 'cnn', 'vit'][i % 3] },
      metrics: {
        acc: { first: acc / 2, last: acc, min: acc / 2, max: acc, count: 20, minStep: 0, maxStep: 19 },
        loss: { first: 2, last: loss, min: loss, max: 2, count: 20, minStep: 19, maxStep: 0 },
      },
      started: new Date(started).toISOString(),
      ended: new Date(started + 30_000).toISOString(),
      durationMs: 30_000,
      exitCode: 0,
      command: { argv: ['python', 'train.py', '--lr', String(i)], cwd: dir },
      host: { hostname: 'bench', user: 'bench', os: 'linux', node: 'v20', pid: 1 },
      git: { base: head, branch: 'main', dirty: false, tree },
    };
    runs.push({ id, parent: head, time: started / 1000, note: serializeMeta(meta) });
  }
  await writeRunsBulk(repo, runs);
  git(dir, 'pack-refs', '--all');
  return dir;
}

const results = [];
for (const n of SIZES) {
  process.stderr.write(`building a repo with ${n.toLocaleString('en-US')} runs...\n`);
  const t = performance.now();
  const dir = await build(n);
  process.stderr.write(`  built in ${fmtMs(performance.now() - t)}\n`);
  const cache = path.join(dir, '.git/tmt/catalog');
  const cold = [];
  const warm = [];
  const native = [];
  let coldRss = 0;
  let warmRss = 0;
  let rows = '';
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(cache, { recursive: true, force: true });
    const c = measure(`node ${TMT} ${QUERY} --format csv`, dir);
    const w = measure(`node ${TMT} ${QUERY} --format csv`, dir);
    if (i === 0) rows = c.stdout;
    if (w.stdout !== c.stdout) throw new Error('cold and warm answers differ');
    native.push(measure(NATIVE, dir).ms);
    cold.push(c.ms);
    warm.push(w.ms);
    coldRss = Math.max(coldRss, c.rssKb ?? 0);
    warmRss = Math.max(warmRss, w.rssKb ?? 0);
  }
  // One new run since the catalog was written: only its note is read.
  const incremental = [];
  for (let i = 0; i < RUNS; i++) {
    measure(`node ${TMT} save -n bench-new-${i} -p lr=0.5 -m acc=0.1`, dir);
    incremental.push(measure(`node ${TMT} ${QUERY} --format csv`, dir).ms);
  }
  results.push({ runs: n, cold: median(cold), warm: median(warm), incremental: median(incremental), native: median(native), coldRssKb: coldRss, warmRssKb: warmRss, matched: rows.trim().split('\n').length - 1 });
  if (option('keep', '') === 'yes') process.stderr.write(`  kept ${dir}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`\nquery: medians of ${RUNS} runs, whole process; ${new Date().toISOString()}\n  tmt ${QUERY}\n`);
console.log(
  table(
    ['runs', 'tmt cold (no catalog)', 'tmt warm', 'warm, 1 new run', 'native git read', 'cold / git', 'peak RSS cold', 'peak RSS warm', 'rows'],
    results.map((r) => [r.runs.toLocaleString('en-US'), fmtMs(r.cold), fmtMs(r.warm), fmtMs(r.incremental), fmtMs(r.native), `${(r.cold / r.native).toFixed(2)}×`, fmtMb(r.coldRssKb), fmtMb(r.warmRssKb), String(r.matched)]),
  ),
);
console.log(`results: ${saveResults('query', results)}`);
