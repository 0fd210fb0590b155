/**
 * Two clones both added outputs to the same run (say `tmt log metric --run`
 * on each), so each has a run commit the other lacks. The merged run commit
 * keeps the code tree and base, gets a new outputs commit merged file by file
 * against the outputs both started from, and has both run commits as later
 * parents: it is a fast-forward from either side, and the version a conflict
 * did not keep stays reachable. metrics.jsonl keeps every point from both
 * sides; any other file changed on both sides takes the later edit. Identity
 * and time are fixed by the inputs, so two clones merging the same pair make
 * the same commit.
 */
import type { Repo } from '../git/repo.js';
import { writeCommit } from '../git/objects.js';
import { readBlobHead } from '../git/blob-stream.js';
import { formatLfsAttributes, MAX_ATTRIBUTES_BYTES, parseLfsAttributes } from '../git/lfs-attributes.js';
import { listTree, pathBytes, readBlobAt, writeTreeFrom, type TreeSource } from '../git/tree-writer.js';
import { ATTRIBUTES_PATH } from '../run/outputs/large-files.js';
import type { RunMeta } from '../run/note/metadata.js';
import { parseMetrics, seriesToJsonl, withSeries, type MetricSeries } from '../run/record/metrics.js';
import { editedAt } from './merge-meta.js';

export interface RunSide {
  commit: string;
  meta: RunMeta;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'tmt', GIT_AUTHOR_EMAIL: 'tmt@localhost', GIT_COMMITTER_NAME: 'tmt', GIT_COMMITTER_EMAIL: 'tmt@localhost' };

/** Returns the merged run commit and its record (`merged` is the field-by-field merge of both notes). */
export async function mergeRunOutputs(repo: Repo, a: RunSide, b: RunSide, base: RunMeta | undefined, merged: RunMeta): Promise<{ commit: string; meta: RunMeta }> {
  const [newer, older] = editedAt(a.meta) >= editedAt(b.meta) ? [a, b] : [b, a];
  const [tn, to, tb] = await Promise.all([files(repo, newer.meta.outputs), files(repo, older.meta.outputs), files(repo, base?.outputs)]);
  const sources: TreeSource[] = [];
  let metricsText: string | undefined;
  for (const path of new Set([...tn.keys(), ...to.keys()])) {
    const n = tn.get(path);
    const o = to.get(path);
    const b = tb.get(path);
    if (path === 'metrics.jsonl' && n && o && n !== o && b !== n && b !== o) {
      metricsText = await mergeSeries(repo, newer.meta.outputs!, older.meta.outputs!);
      sources.push({ path, data: metricsText });
      continue;
    }
    // Changed on one side only: that side. On both: the newer. Removed: stays removed.
    const blob = n === o || o === b ? n : n === b ? o : n;
    if (!blob) continue;
    sources.push({ path, blob });
    if (path === 'metrics.jsonl') metricsText = (await readBlobAt(repo, blob === n ? newer.meta.outputs! : older.meta.outputs!, path))?.toString('utf8');
  }
  await mergeLfsAttributes(repo, sources, [newer.meta.outputs, older.meta.outputs]);
  const time = Math.max(editedAt(a.meta), editedAt(b.meta)) / 1000;
  const meta: RunMeta = { ...merged };
  if (metricsText !== undefined) meta.metrics = withSeries(merged.metrics, parseMetrics(metricsText).series, []); // each side's note already says what it kept
  if (sources.length) {
    const tree = await writeTreeFrom(repo, sources);
    meta.outputs = await writeCommit(repo, { tree, parents: [], message: `tmt outputs ${meta.id}\n`, time, env: IDENTITY });
  }
  const sides = [a.commit, b.commit].sort();
  const commit = await writeCommit(repo, {
    tree: newer.meta.git.tree,
    parents: [...(meta.git.base ? [meta.git.base] : []), ...(meta.outputs ? [meta.outputs] : []), ...sides],
    message: `tmt run ${meta.id}\n`,
    time,
    env: IDENTITY,
  });
  return { commit, meta };
}

/**
 * The `.gitattributes` that marks LFS artifacts, as the union of both sides'
 * (restricted to the paths the merged tree holds): taking one side's file, as
 * for any other, would leave an LFS artifact the other side added unmarked,
 * and `tmt get` would hand out its pointer as the file.
 */
async function mergeLfsAttributes(repo: Repo, sources: TreeSource[], sides: ReadonlyArray<string | undefined>): Promise<void> {
  const files = await Promise.all(sides.map((o) => (o ? readBlobHead(repo, o, ATTRIBUTES_PATH, MAX_ATTRIBUTES_BYTES) : undefined)));
  if (files.every((f) => f === undefined)) return;
  const held = new Set(sources.map((s) => pathBytes(s.path).toString('latin1')));
  const paths = new Set(files.flatMap((f) => (f ? [...parseLfsAttributes(f)] : [])).filter((p) => held.has(p)));
  const at = sources.findIndex((s) => pathBytes(s.path).toString('latin1') === ATTRIBUTES_PATH);
  const merged = { path: ATTRIBUTES_PATH, data: formatLfsAttributes([...paths].map((p) => Buffer.from(p, 'latin1'))) };
  if (at >= 0) sources[at] = merged;
  else sources.push(merged);
}

async function files(repo: Repo, outputs: string | undefined): Promise<Map<string, string>> {
  if (!outputs) return new Map();
  return new Map((await listTree(repo, outputs, '')).map((e) => [e.path, e.oid]));
}

/** Every point of both series: the newer side's, then the older side's that it lacks, in step order. */
async function mergeSeries(repo: Repo, newer: string, older: string): Promise<string> {
  const [n, o] = await Promise.all([readBlobAt(repo, newer, 'metrics.jsonl'), readBlobAt(repo, older, 'metrics.jsonl')]);
  const sn = parseMetrics(n?.toString('utf8') ?? '').series;
  const so = parseMetrics(o?.toString('utf8') ?? '').series;
  const out: MetricSeries = {};
  for (const name of new Set([...Object.keys(sn), ...Object.keys(so)])) {
    const points = [...(sn[name] ?? [])];
    const have = new Set(points.map((p) => `${p.step}:${p.value}`));
    for (const p of so[name] ?? []) if (!have.has(`${p.step}:${p.value}`)) points.push(p);
    out[name] = points.map((p, i) => ({ p, i })).sort((x, y) => x.p.step - y.p.step || x.i - y.i).map((x) => x.p);
  }
  return seriesToJsonl(out);
}
