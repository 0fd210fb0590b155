/**
 * Publishes a new state of an existing run. With new outputs, the outputs
 * commit is rebuilt and the run commit rewritten (same tree, same base, new
 * second parent, the replaced run commit as third parent so the ref only
 * moves forward and pushing it stays a fast-forward); the note moves to the
 * new commit in the same transaction that moves the ref, with compare-and-swap
 * on both, so a reader never sees a ref without its note. Every edit stamps
 * `updated`, which decides between two clones' edits of the same field.
 */
import { commitNotes } from '../../git/notes.js';
import { updateLfsKeep } from '../../git/lfs-keep.js';
import { commitIdentityEnv, writeCommit } from '../../git/objects.js';
import { runRef } from '../../git/layout.js';
import type { Repo } from '../../git/repo.js';
import { listTree, pathBytes, writeTreeFrom, type TreeSource } from '../../git/tree-writer.js';
import { serializeMeta, type RunMeta } from '../note/metadata.js';
import { placeLargeFiles } from '../outputs/large-files.js';

export interface PublishOptions {
  repo: Repo;
  /** The commit the run ref points at now (compare-and-swap). */
  commit: string;
  meta: RunMeta;
  /** New or replaced output files; existing outputs are kept unless replaced. */
  outputs?: readonly TreeSource[];
  /** Seconds since the epoch for new commits. */
  time: number;
  /** The note blob this edit was based on: another writer's change then fails the update instead of being lost. */
  basedOn?: string | null;
}

export interface Published {
  /** The run's commit after publishing (new when outputs changed). */
  commit: string;
  /** For the user, not the note: large files kept in git for want of git-lfs. */
  warnings: string[];
}

export async function publishRun(opts: PublishOptions): Promise<Published> {
  const { repo, meta } = opts;
  const identity = await commitIdentityEnv(repo);
  let commit = opts.commit;
  const warnings: string[] = [];
  meta.updated = new Date(opts.time * 1000).toISOString();
  if (opts.outputs?.length) {
    const placed = await placeLargeFiles(repo, meta.outputs, opts.outputs);
    warnings.push(...placed.warnings);
    // Kept files are written back by their exact bytes: a name that is not UTF-8 stays as it was.
    const replaced = new Set(placed.sources.map((o) => pathBytes(o.path).toString('latin1')));
    const kept: TreeSource[] = meta.outputs
      ? (await listTree(repo, meta.outputs, '')).filter((e) => !replaced.has(e.bytes.toString('latin1'))).map((e) => ({ path: e.bytes, blob: e.oid }))
      : [];
    const tree = await writeTreeFrom(repo, [...kept, ...placed.sources]);
    // Before the run points at the tree: from then on, git lfs prune must keep its objects.
    if (placed.lfsChanged && placed.hasLfs) await updateLfsKeep(repo, { add: new Map([[meta.id, tree]]) });
    const outputs = await writeCommit(repo, { tree, parents: [], message: `tmt outputs ${meta.id}\n`, time: opts.time, env: identity });
    meta.outputs = outputs;
    commit = await writeCommit(repo, {
      tree: meta.git.tree,
      parents: [...(meta.git.base ? [meta.git.base] : []), outputs, opts.commit],
      message: `tmt run ${meta.id}\n`,
      time: opts.time,
      env: identity,
    });
  }
  const notes = commit === opts.commit ? [] : [{ object: opts.commit, text: null }];
  await commitNotes(repo, {
    notes: [...notes, { object: commit, text: serializeMeta(meta) }],
    refs: [{ ref: runRef(meta.id), newOid: commit, oldOid: opts.commit }],
    message: `tmt: update run ${meta.id}`,
    env: identity,
    basedOn: opts.basedOn === undefined ? undefined : [{ object: opts.commit, blob: opts.basedOn }],
  });
  return { commit, warnings };
}
