import { openRepo } from '../../git/repo.js';
import { buildReport, renderReport } from '../../ui/report.js';
import type { ReportFlags } from '../commands/report.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import { deliverPage } from './page-output.js';

export type ReportCommandOptions = ReportFlags & { cwd: string };

const DEFAULT_LIMIT = 500;

export async function reportCommand(opts: ReportCommandOptions, ctx: Context): Promise<number> {
  const repo = await openRepo({ cwd: opts.cwd });
  const data = await buildReport({ repo, where: opts.where, limit: opts.limit ?? DEFAULT_LIMIT });
  if (data.leftOut) warn(ctx.out, `the report holds the newest ${data.rows.length} runs; ${data.leftOut} older ones that match are left out (--limit or --where)`);
  const page = renderReport(data, { title: opts.where ? `tmt report: ${opts.where}` : 'tmt report', tmtVersion: ctx.version });
  return deliverPage(repo, opts.cwd, page, { output: opts.output, open: !opts.noOpen, defaultName: `report-${Date.now()}.html` }, ctx);
}
