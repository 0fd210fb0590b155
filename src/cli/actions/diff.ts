import { listChangedFiles } from '../../git/diff-files.js';
import { streamTreeDiff, type DiffView, type TreePair } from '../../git/diff.js';
import { diffColor, diffPager } from '../../git/config.js';
import { openRepo } from '../../git/repo.js';
import { explainingMissing, involvedIn } from '../../compare/missing.js';
import { labelled, runLabels } from '../../compare/display-names.js';
import { resolveRuns, type ResolvedRun } from '../../compare/compared-runs.js';
import { TmtError } from '../../errors.js';
import { EXIT } from '../exit-codes.js';
import { deliver } from '../pager.js';
import type { Context } from '../context.js';
import type { PageFlags } from '../commands/page-flags.js';

export interface DiffCommandOptions {
  cwd: string;
  /** One or two run selectors. */
  runs: string[];
  paths: string[];
  stat: boolean;
  nameOnly: boolean;
  json: boolean;
  /** --no-pager turns this off. */
  pager: boolean;
  page: PageFlags;
}

export async function diffCommand(opts: DiffCommandOptions, ctx: Context): Promise<number> {
  const { out, term } = ctx;
  check(opts);
  const repo = await openRepo({ cwd: opts.cwd });
  const runs = await resolveRuns(repo, { selectors: opts.runs, nowMs: Date.now(), oneRunDiffs: true });
  const from = runs.length === 2 ? runs[0] : undefined;
  const to = runs[runs.length - 1]!;
  const pair: TreePair = { cwd: opts.cwd, from: from ? from.meta.git.tree : to.meta.git.base, to: to.meta.git.tree, paths: opts.paths };
  const involved = involvedIn(from, to);

  if (opts.page.html) {
    const labels = runLabels(runs.map(labelled));
    const title = `tmt diff: ${from ? labels[0] : `base of ${labels[0]}`} → ${labels[labels.length - 1]}`;
    const name = `diff-${from ? `${from.id.slice(0, 12)}-` : ''}${to.id.slice(0, 12)}.html`;
    const { writeComparisonPage } = await import('./page-output.js');
    return writeComparisonPage({ repo, cwd: opts.cwd, kind: 'diff', runs, paths: opts.paths, title, defaultName: name, flags: opts.page }, ctx);
  }
  if (opts.json) {
    const files = await explainingMissing(repo, involved, () => listChangedFiles(pair));
    out.json({ schemaVersion: 1, from: side(from, pair.from), to: side(to, pair.to), paths: opts.paths, files });
    return 0;
  }
  const view: DiffView = opts.stat ? 'stat' : opts.nameOnly ? 'name-only' : 'patch';
  const pager = term.paging && opts.pager ? await diffPager(repo) : undefined;
  const color = out.color && (await diffColor(repo, { tty: term.stdout, paging: pager !== undefined }));
  const delivery = await explainingMissing(repo, involved, () => deliver(streamTreeDiff(pair, { view, color, columns: term.width }), pager, term));
  return delivery === 'interrupted' ? EXIT.INTERRUPTED : EXIT.OK;
}

function check(opts: DiffCommandOptions): void {
  if (opts.runs.length === 0) throw new TmtError('BAD_ARGUMENT', 'tmt diff: name a run', { hint: 'tmt diff RUN (against its base commit) or tmt diff RUN_A RUN_B' });
  if (opts.runs.length > 2) {
    throw new TmtError('BAD_ARGUMENT', `tmt diff takes one or two runs, got ${opts.runs.length}`, { hint: `tmt compare ${opts.runs.join(' ')} compares any number; put paths after --` });
  }
  const views = [opts.stat && '--stat', opts.nameOnly && '--name-only', opts.json && '--json', opts.page.html && (opts.page.output !== undefined ? '-o' : '--html')].filter(Boolean);
  if (views.length > 1) throw new TmtError('BAD_ARGUMENT', `${views.join(' and ')} cannot be combined`, { hint: 'pick one way to show the diff' });
}

function side(run: ResolvedRun | undefined, rev: string | undefined): { run: string | null; name: string | null; rev: string | null } {
  return { run: run?.id ?? null, name: run?.meta.name ?? null, rev: rev ?? null };
}
