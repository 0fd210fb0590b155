/**
 * Writes many runs at once through one `git fast-import` stream: each run
 * commit with its ref, then a single notes commit holding every note (git
 * fans the notes tree out itself). For importing and for benchmarks; normal
 * recording goes through the compare-and-swap path in notes.ts, as
 * fast-import refuses to move refs that changed under it but does not retry.
 */
import { git } from './exec.js';
import { NOTES_REF, runRef } from './layout.js';
import { resolveRef } from './refs.js';
import type { Repo } from './repo.js';

export interface BulkRun {
  id: string;
  /** The run commit's parent; its tree becomes the run's tree. */
  parent: string;
  /** Seconds since the epoch. */
  time: number;
  note: string;
}

export async function writeRunsBulk(repo: Repo, runs: readonly BulkRun[]): Promise<void> {
  const chunks: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  runs.forEach((r, i) => {
    chunks.push(`commit ${runRef(r.id)}\nmark :${i + 1}\ncommitter tmt <tmt@localhost> ${Math.floor(r.time)} +0000\n${data(`tmt run ${r.id}\n`)}from ${r.parent}\n\n`);
  });
  const base = await resolveRef(repo, NOTES_REF);
  const last = runs.length ? Math.floor(runs[runs.length - 1]!.time) : 0;
  chunks.push(`commit ${NOTES_REF}\ncommitter tmt <tmt@localhost> ${last} +0000\n${data('Notes added by tmt (bulk)\n')}${base ? `from ${base}\n` : ''}`);
  runs.forEach((r, i) => chunks.push(`N inline :${i + 1}\n${data(r.note)}`));
  chunks.push('\n');
  await git(['fast-import', '--quiet', '--done'], { cwd: repo.workTree, input: chunks.join('') + 'done\n' });
}
