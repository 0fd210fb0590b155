import { compareRuns } from '../../compare/api.js';
import { NO_PARTS } from '../../compare/gather.js';
import { resolveRuns } from '../../compare/compared-runs.js';
import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { compareRows, renderCompareTable } from '../render/compare-table.js';
import { TABULAR_FORMATS } from '../render/formats.js';
import type { CompareFlags } from '../commands/compare.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import type { PageFlags } from '../commands/page-flags.js';

export interface CompareCommandOptions {
  cwd: string;
  runs: string[];
  paths: string[];
  where?: string;
  limit?: number;
  onlyChanged: boolean;
  format: CompareFlags['format'];
  page: PageFlags;
}

export async function compareCommand(opts: CompareCommandOptions, ctx: Context): Promise<number> {
  const { out, term } = ctx;
  if (opts.runs.length === 0 && opts.where === undefined) {
    throw new TmtError('BAD_ARGUMENT', 'tmt compare: name the runs to compare, or give --where', { hint: "tmt compare baseline tuned, or tmt compare --where 'tags has sweep'" });
  }
  if (opts.limit !== undefined && opts.where === undefined) {
    throw new TmtError('BAD_ARGUMENT', '--limit goes with --where', { hint: "tmt compare --where 'tags has sweep' --limit 10" });
  }
  const repo = await openRepo({ cwd: opts.cwd });
  if (opts.page.html) {
    const runs = await resolveRuns(repo, { selectors: opts.runs, where: opts.where, limit: opts.limit, nowMs: Date.now() });
    const title = `tmt compare: ${runs.length} run${runs.length === 1 ? '' : 's'}`;
    const name = `compare-${runs[0]!.id.slice(0, 12)}-${runs.length}.html`;
    const { writeComparisonPage } = await import('./page-output.js');
    return writeComparisonPage({ repo, cwd: opts.cwd, kind: 'compare', runs, paths: opts.paths, title, defaultName: name, flags: opts.page }, ctx);
  }
  // The table is the library's comparison, without the parts only the page shows.
  const { higher, lower } = opts.page.directions;
  const c = await compareRuns({ repo, runs: opts.runs, where: opts.where, limit: opts.limit, cwd: opts.cwd, higherIsBetter: higher, lowerIsBetter: lower, parts: NO_PARTS });
  if (opts.paths.length) warn(out, 'paths after -- limit the code diff, which only the --html page shows');
  for (const w of c.warnings) warn(out, w);
  if (opts.format === 'json') {
    const params = opts.onlyChanged ? c.params.filter((p) => p.changed) : c.params;
    const metrics = opts.onlyChanged ? c.metrics.filter((m) => m.changed) : c.metrics;
    out.json({ schemaVersion: c.schemaVersion, runs: c.runs, params, metrics });
  } else if (opts.format === 'table') {
    out.out(renderCompareTable(c, { onlyChanged: opts.onlyChanged, width: term.width, color: out.color }));
  } else {
    out.out(TABULAR_FORMATS[opts.format](compareRows(c, { onlyChanged: opts.onlyChanged, human: opts.format === 'md' }).tabular, { color: false }));
  }
  return 0;
}
