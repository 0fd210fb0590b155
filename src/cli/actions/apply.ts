import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { applyRun, listSaves, redoApply, undoApply, type Changes, type SaveInfo } from '../../run/restore/apply.js';
import type { Context } from '../context.js';
import type { Output } from '../output.js';
import { warn } from '../output.js';
import { formatTime } from '../render/format.js';
import { renderTable } from '../render/table.js';

export interface ApplyCommandOptions {
  cwd: string;
  run: string | undefined;
  undo: boolean;
  redo: boolean;
  list: boolean;
  dryRun: boolean;
  json: boolean;
}

export async function applyCommand(opts: ApplyCommandOptions, ctx: Context): Promise<number> {
  const { out } = ctx;
  const modes = [opts.run !== undefined && 'RUN', opts.undo && '--undo', opts.redo && '--redo', opts.list && '--list'].filter(Boolean);
  if (modes.length !== 1) {
    throw new TmtError('BAD_ARGUMENT', modes.length === 0 ? 'which run? tmt apply RUN' : `${modes.join(' and ')} cannot be combined`, { hint: 'tmt apply RUN, tmt apply --undo, tmt apply --redo or tmt apply --list' });
  }
  if (opts.list && opts.dryRun) throw new TmtError('BAD_ARGUMENT', '--dry-run goes with RUN, --undo or --redo', { hint: 'tmt apply --list' });
  const repo = await openRepo({ cwd: opts.cwd });
  if (opts.list) return listCommand(await listSaves({ repo }), opts.json, ctx);
  if (opts.run !== undefined) {
    const r = await applyRun({ repo, run: opts.run, dryRun: opts.dryRun });
    if (opts.json) return json(out, r);
    const what = `run ${r.run.id.slice(0, 12)}${r.run.name ? ` (${r.run.name})` : ''}`;
    if (r.skipped.length > 0) warn(out, `left alone (not in snapshots, so not saved): ${r.skipped.map((s) => s.path).join(', ')}`);
    if (r.written.length + r.removed.length === 0 && !r.saved) {
      out.out(`the working tree already holds ${what}'s code; nothing changed\n`);
      return 0;
    }
    report(out, r, opts.dryRun ? `would apply ${what}` : `applied ${what}`);
    if (r.saved) out.out(`the working tree it replaced is saved as ${r.saved.ref}; tmt apply --undo puts it back\n`);
    return 0;
  }
  const r = opts.undo ? await undoApply({ repo, dryRun: opts.dryRun }) : await redoApply({ repo, dryRun: opts.dryRun });
  if (opts.json) return json(out, r);
  report(out, r, `${opts.dryRun ? 'would restore' : 'restored'} ${r.restored.stack}/${r.restored.n} (${r.restored.subject.replace(/^tmt apply[^:]*: /, '')})`);
  if (r.saved) out.out(`the working tree it replaced is saved as ${r.saved.ref}; tmt apply --${opts.undo ? 'redo' : 'undo'} puts it back\n`);
  if (r.headMoved) warn(out, `HEAD is not where it was when that was saved (${r.restored.head?.slice(0, 12) ?? 'no commit yet'}): git status compares the files with the commit you are on now`);
  return 0;
}

function json(out: Output, value: object): number {
  out.json({ schemaVersion: 1, ...value });
  return 0;
}

/** One summary line; with --dry-run, every path. */
function report(out: Output, r: Changes & { dryRun: boolean }, headline: string): void {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  out.out(`${headline}: ${n(r.written.length, 'file')} written, ${r.removed.length} removed\n`);
  if (r.dryRun) {
    for (const p of r.written) out.out(`  write  ${p}\n`);
    for (const p of r.removed) out.out(`  remove ${p}\n`);
    out.out('nothing changed, nothing saved (--dry-run)\n');
  }
  if (r.submodules.length > 0) warn(out, `submodules left as they are: ${r.submodules.join(', ')}`);
  if (r.leftChanged.length > 0) warn(out, `left in place, since they changed after tmt wrote them (and git ignores them): ${r.leftChanged.join(', ')}`);
}

function listCommand(saves: SaveInfo[], asJson: boolean, { out, term }: Context): number {
  if (asJson) return json(out, { saves });
  if (saves.length === 0) {
    out.err('no saved working trees here (tmt apply RUN saves one before it changes anything)\n');
    return 0;
  }
  const rows = saves.map((s) => [`${s.stack}/${s.n}`, formatTime(new Date(s.time * 1000).toISOString()), s.head?.slice(0, 12) ?? '', s.subject.replace(/^tmt apply[^:]*: the working tree before /, '')]);
  out.out(renderTable([{ header: 'SAVE' }, { header: 'SAVED' }, { header: 'HEAD', priority: 1 }, { header: 'BEFORE' }], rows, { width: term.width }));
  const top = (stack: string) => saves.filter((s) => s.stack === stack).pop();
  const undo = top('applied');
  const redo = top('undone');
  out.err(`${undo ? `tmt apply --undo restores applied/${undo.n}` : 'nothing to undo'}; ${redo ? `tmt apply --redo restores undone/${redo.n}` : 'nothing to redo'}\n`);
  return 0;
}
