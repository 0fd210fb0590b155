import { openRepo } from '../../git/repo.js';
import { snapshot } from '../../git/snapshot.js';
import { EXIT } from '../exit-codes.js';
import type { SnapshotFlags } from '../commands/snapshot.js';
import type { Context } from '../context.js';
import { warnSnapshot } from '../render/snapshot-warnings.js';
import { parseSize } from '../../util/parse-size.js';

export type SnapshotCommandOptions = SnapshotFlags & { cwd: string };

export async function snapshotCommand(opts: SnapshotCommandOptions, { out }: Context): Promise<number> {
  const maxFileSize = parseSize(opts.maxFileSize, '--max-file-size');
  const repo = await openRepo({ cwd: opts.cwd });
  const result = await snapshot({ repo, noCache: opts.noCache, maxFileSize });
  warnSnapshot(out, result, opts.maxFileSize);
  if (opts.json) {
    out.json({
      schemaVersion: 1,
      tree: result.tree,
      files: result.files,
      skipped: result.skipped,
      cacheHits: result.cacheHits,
      ms: Math.round(result.ms * 10) / 10,
    });
  } else {
    out.out(result.tree + '\n');
  }
  return EXIT.OK;
}
