import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { showRun } from '../../run/read/show.js';
import { renderRunDetails } from '../render/run-details.js';
import type { ShowFlags } from '../commands/show.js';
import type { Context } from '../context.js';

export async function showCommand(opts: ShowFlags & { cwd: string; run: string }, { out }: Context): Promise<number> {
  if (opts.log !== undefined && opts.log !== 'stdout' && opts.log !== 'stderr') {
    throw new TmtError('BAD_ARGUMENT', `--log: expected stdout or stderr, got "${opts.log}"`, { hint: 'tmt show <run> --log stdout' });
  }
  const repo = await openRepo({ cwd: opts.cwd });
  const details = await showRun({ repo, selector: opts.run, full: opts.log !== undefined || opts.json });
  if (opts.log === 'stdout' || opts.log === 'stderr') {
    // Promised byte for byte (README): the log as the command wrote it, escapes and all.
    const lines = details.logs[opts.log].tail;
    out.verbatim(lines.length ? lines.join('\n') + '\n' : '');
  } else if (opts.json) {
    out.json({ schemaVersion: 1, run: details });
  } else {
    out.out(renderRunDetails(details, out.color));
  }
  return 0;
}
