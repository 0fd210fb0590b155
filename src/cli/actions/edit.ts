import { openRepo } from '../../git/repo.js';
import { editRun } from '../../run/update/edit.js';
import type { EditFlags } from '../commands/edit.js';
import type { Context } from '../context.js';

export type EditCommandOptions = EditFlags & { cwd: string; run: string };

export async function editCommand(opts: EditCommandOptions, _ctx: Context): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  await editRun({ repo, selector: opts.run }, { name: opts.name, description: opts.description, addTags: opts.tag, removeTags: opts.untag });
  return 0;
}
