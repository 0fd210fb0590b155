import { openRepo } from '../../git/repo.js';
import { listRuns } from '../../query/list.js';
import { readRuns } from '../../run/read.js';
import { renderRunTable } from '../render/runs.js';
import { warn, type Output } from '../output.js';

export interface ListCommandOptions {
  cwd: string;
  name?: string;
  since?: string;
  until?: string;
  status: string[];
  tag: string[];
  limit?: number;
  json: boolean;
  width?: number;
}

export async function listCommand(opts: ListCommandOptions, out: Output): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  const rows = listRuns(await readRuns(repo), { ...opts, status: opts.status.flatMap((s) => s.split(',')), tags: opts.tag, nowMs: Date.now() });
  for (const r of rows) if (r.problem) warn(out, `run ${r.id}: ${r.problem}`);
  if (opts.json) out.out(JSON.stringify({ schemaVersion: 1, runs: rows }, null, 2) + '\n');
  else out.out(renderRunTable(rows, { width: opts.width, color: out.color }));
  return 0;
}
