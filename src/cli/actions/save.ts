import { openRepo } from '../../git/repo.js';
import { saveRun } from '../../run/record/save.js';
import { coerceMetric, parseAssignments } from '../../run/note/values.js';
import { EXIT } from '../exit-codes.js';
import type { SaveFlags } from '../commands/save.js';
import type { Context } from '../context.js';
import { warnSnapshot } from '../render/snapshot-warnings.js';

export type SaveCommandOptions = SaveFlags & { cwd: string };

export async function saveCommand(opts: SaveCommandOptions, { out }: Context): Promise<number> {
  const params = parseAssignments(opts.param, '--param');
  const metrics = parseAssignments(opts.metric, '--metric', coerceMetric);
  const repo = await openRepo({ cwd: opts.cwd });
  const run = await saveRun({ repo, name: opts.name, description: opts.description, tags: opts.tag, params, metrics });
  warnSnapshot(out, run.snapshot);
  if (opts.json) out.json({ schemaVersion: 1, id: run.id, commit: run.commit, run: run.meta });
  else out.out(`${run.id}\n`);
  return EXIT.OK;
}
