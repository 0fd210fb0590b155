/**
 * Merging two notes histories through git itself. `git notes merge -s ours`
 * on a private scratch ref makes the three-way union with git's own notes code
 * (so the tree fans out exactly as git fans it out); tmt's field-by-field
 * resolutions are then written with `git notes`, and the final tree becomes a
 * single merge commit whose parents are the two tips. No public ref moves here:
 * the caller publishes the result with compare-and-swap.
 */
import { git } from '../../exec.js';
import { applyNoteWrites, scratchNotesRef, type NoteWrite } from '../../notes.js';
import { commitIdentityEnv, writeBlob, writeCommit } from '../../objects.js';
import type { Repo } from '../../repo.js';

/** Returns the merge commit of `local` and `remote` with `edits` applied. */
export async function mergeNotesCommits(repo: Repo, local: string, remote: string, edits: readonly NoteWrite[], message: string, time: number): Promise<string> {
  const work = scratchNotesRef();
  const theirs = scratchNotesRef();
  const identity = await commitIdentityEnv(repo);
  const run = { cwd: repo.workTree, env: identity };
  try {
    await git(['update-ref', '--stdin'], { ...run, input: `create ${work} ${local}\ncreate ${theirs} ${remote}\n` });
    await git(['notes', `--ref=${work}`, 'merge', '-q', '-s', 'ours', theirs], run);
    const blobs = await Promise.all(edits.map((e) => (e.text === null ? null : writeBlob(repo, e.text))));
    await applyNoteWrites(repo, work, edits, blobs, identity);
    const tree = (await git(['rev-parse', `${work}^{tree}`], run)).stdout.toString('utf8').trim();
    return await writeCommit(repo, { tree, parents: [local, remote], message, time, env: identity });
  } finally {
    await git(['update-ref', '--stdin'], { ...run, input: `delete ${work}\ndelete ${theirs}\n` }).catch(() => undefined);
  }
}
