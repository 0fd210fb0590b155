/**
 * `tmt edit`: rename a finished run, change its description, add or remove
 * tags. The edit is stamped (`updated`) and published with compare-and-swap,
 * like every other edit of a finished run, so a clone that edited the same
 * run differently merges with it field by field on the next fetch.
 */
import { TmtError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import type { Clock } from '../note/id.js';
import { checkRunName, checkTags } from '../note/name-rules.js';
import { updateFinished } from './log.js';

export interface RunEdit {
  name?: string;
  description?: string;
  addTags?: readonly string[];
  removeTags?: readonly string[];
}

export async function editRun(target: { repo: Repo; selector: string; clock?: Clock }, edit: RunEdit): Promise<void> {
  if (edit.name === undefined && edit.description === undefined && !edit.addTags?.length && !edit.removeTags?.length) {
    throw new TmtError('BAD_ARGUMENT', 'nothing to change', { hint: 'e.g. tmt edit last --name baseline --tag keep' });
  }
  checkRunName(edit.name);
  checkTags(edit.addTags);
  await updateFinished(target, async (run) => {
    if (edit.name !== undefined) run.meta.name = edit.name || undefined;
    if (edit.description !== undefined) run.meta.description = edit.description || undefined;
    const drop = new Set(edit.removeTags ?? []);
    run.meta.tags = [...new Set([...run.meta.tags, ...(edit.addTags ?? [])])].filter((t) => !drop.has(t));
    return [];
  });
}
