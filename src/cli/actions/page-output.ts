/**
 * What `tmt diff --html` and `tmt compare --html` share: gathering the
 * comparison, writing the page (to -o, or under <git-dir>/tmt/html/, which
 * snapshots never include; `-o -` is stdout), printing its path, and opening it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gatherComparison } from '../../compare/gather.js';
import type { ResolvedRun } from '../../compare/compared-runs.js';
import { pageOutputDir } from '../../git/layout.js';
import type { Repo } from '../../git/repo.js';
import { inNextSnapshot } from '../../git/snapshot-scope.js';
import { renderPage } from '../../html/page.js';
import { writePage } from '../../html/write.js';
import { openPage, shouldOpen } from '../open-page.js';
import type { Context } from '../context.js';
import { warn } from '../output.js';
import type { PageFlags } from '../commands/page-flags.js';

export interface PageRequest {
  repo: Repo;
  cwd: string;
  kind: 'diff' | 'compare';
  runs: ResolvedRun[];
  paths: readonly string[];
  title: string;
  /** File name under <git-dir>/tmt/html/ when there is no -o. */
  defaultName: string;
  flags: PageFlags;
}

export async function writeComparisonPage(req: PageRequest, ctx: Context): Promise<number> {
  const { out, version } = ctx;
  const comparison = await gatherComparison(req.repo, { kind: req.kind, runs: req.runs, cwd: req.cwd, paths: req.paths, limits: req.flags.limits, directions: req.flags.directions });
  for (const w of comparison.warnings) warn(out, w);
  const page = renderPage(comparison, { title: req.title, tmtVersion: version });
  return deliverPage(req.repo, req.cwd, page, { output: req.flags.output, open: req.flags.open, defaultName: req.defaultName }, ctx);
}

/**
 * A finished page delivered: to -o (`-` for stdout), or under
 * <git-dir>/tmt/html/ where no snapshot carries it; its path printed, a
 * warning if the next snapshot would carry it, and opened on a terminal.
 */
export async function deliverPage(repo: Repo, cwd: string, page: string[], where: { output?: string; open: boolean; defaultName: string }, { out, term }: Context): Promise<number> {
  if (where.output === '-' || (where.output !== undefined && namesStdout(path.resolve(cwd, where.output)))) {
    for (const part of page) out.verbatim(part); // -o -: the page itself on stdout, for pipes, exactly as the file would hold it
    return 0;
  }
  let target = where.output;
  if (target === undefined) {
    const dir = pageOutputDir(repo);
    fs.mkdirSync(dir, { recursive: true });
    target = path.join(dir, where.defaultName);
  }
  const written = writePage(path.resolve(cwd, target), page);
  if (written.special) return 0; // a FIFO or a device (-o /dev/stdout): no file to name or open
  out.out(`${written.path}\n`);
  if (where.output !== undefined && (await inNextSnapshot(repo, written.path))) {
    warn(out, `${target} is in the working tree, so the next run's snapshot will carry it; write it elsewhere, or add it to .gitignore or .tmtignore`);
  }
  if (shouldOpen({ open: where.open, tty: term.stdout, env: term.env })) await openPage(written.path, out);
  return 0;
}

/** `-o /dev/stdout` is `-o -`: stdout is open already, and a socket given as stdout cannot be opened again by name. */
function namesStdout(file: string): boolean {
  return ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', `/proc/${process.pid}/fd/1`].includes(file);
}
