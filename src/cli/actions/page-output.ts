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

export async function writeComparisonPage(req: PageRequest, { out, term, version }: Context): Promise<number> {
  const comparison = await gatherComparison(req.repo, { kind: req.kind, runs: req.runs, cwd: req.cwd, paths: req.paths, limits: req.flags.limits, directions: req.flags.directions });
  for (const w of comparison.warnings) warn(out, w);
  const page = renderPage(comparison, { title: req.title, tmtVersion: version });
  if (req.flags.output === '-' || (req.flags.output !== undefined && namesStdout(path.resolve(req.cwd, req.flags.output)))) {
    for (const part of page) out.verbatim(part); // -o -: the page itself on stdout, for pipes, exactly as the file would hold it
    return 0;
  }
  let target = req.flags.output;
  if (target === undefined) {
    const dir = pageOutputDir(req.repo);
    fs.mkdirSync(dir, { recursive: true });
    target = path.join(dir, req.defaultName);
  }
  const written = writePage(path.resolve(req.cwd, target), page);
  if (written.special) return 0; // a FIFO or a device (-o /dev/stdout): no file to name or open
  out.out(`${written.path}\n`);
  if (req.flags.output !== undefined && (await inNextSnapshot(req.repo, written.path))) {
    warn(out, `${target} is in the working tree, so the next run's snapshot will carry it; write it elsewhere, or add it to .gitignore or .tmtignore`);
  }
  if (shouldOpen({ open: req.flags.open, tty: term.stdout, env: term.env })) await openPage(written.path, out);
  return 0;
}

/** `-o /dev/stdout` is `-o -`: stdout is open already, and a socket given as stdout cannot be opened again by name. */
function namesStdout(file: string): boolean {
  return ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', `/proc/${process.pid}/fd/1`].includes(file);
}
