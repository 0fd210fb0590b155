import type { RunDetails } from '../../run/read/show.js';
import { formatBytes, formatDuration, formatTime, formatValue, paint, statusColor } from './format.js';
import { printable } from './printable.js';
import { renderTableLines } from './table.js';
import { concat, joinText, styled, type Styled, type Text } from '../terminal-text.js';
import { quoteName } from '../../util/quote-name.js';
import { getCommand } from '../../run/outputs/entries.js';
import { shellQuote } from '../../util/shell-quote.js';

/** `tmt show`: metadata, params, metrics, artifacts, log tails and the code diff stat. */
export function renderRunDetails(d: RunDetails, color: boolean): Styled {
  const m = d.meta;
  const out: Text[] = [];
  // Stored text is made printable (one line each) before any colour of ours is added.
  const field = (k: string, v: Text | undefined) => v && out.push(styled`${paint(color, 'dim', k.padEnd(10))} ${v}`);
  const p = printable;
  out.push(concat(paint(color, 'yellow', `run ${d.id}`), m.name ? styled`  ${paint(color, 'bold', p(m.name))}` : ''));
  field('status', concat(paint(color, statusColor(d.status), d.status), m.exitCode !== undefined ? ` (exit ${m.exitCode})` : '', m.failure ? ` - ${p(m.failure)}` : ''));
  if (m.rerunOf) field('rerun of', m.rerunOf);
  if (m.sweep) field('sweep', p(`${m.sweep.name}, trial ${m.sweep.index} (repeat ${m.sweep.repeat})`));
  field('started', formatTime(m.started));
  field('duration', formatDuration(m.durationMs));
  field('command', m.command && p(m.command.argv.map(shellQuote).join(' ')));
  field('cwd', m.command && p(m.command.cwd));
  field('host', m.host && p(`${m.host.user}@${m.host.hostname} (${m.host.os}, node ${m.host.node})`));
  field('branch', m.git.branch !== undefined ? p(m.git.branch) : m.git.base ? '(detached)' : undefined);
  field('base', m.git.base ?? '(no commits yet)');
  field('commit', d.commit);
  field('tree', `${m.git.tree}${m.git.dirty ? ' (uncommitted changes)' : ''}`);
  field('tags', p(m.tags.join(', ')));
  field('desc', m.description?.trimEnd().split('\n').map(p).join('\n           '));
  for (const w of m.warnings ?? []) out.push(styled`${paint(color, 'yellow', 'warning')}    ${p(w)}`);

  const params = Object.entries(m.params);
  if (params.length) out.push('', paint(color, 'bold', 'params'), ...params.map(([k, v]) => `  ${p(k)} = ${p(formatValue(v))}`));
  const metrics = Object.entries(m.metrics);
  if (metrics.length) {
    out.push('', paint(color, 'bold', 'metrics'));
    const rows = metrics.map(([k, s]) => [k, formatValue(s.last), formatValue(s.min), formatValue(s.max), formatValue(s.first), String(s.count)]);
    const table = renderTableLines(
      [{ header: 'name' }, { header: 'last', align: 'right' }, { header: 'min', align: 'right' }, { header: 'max', align: 'right' }, { header: 'first', align: 'right' }, { header: 'count', align: 'right' }],
      rows,
    );
    for (const line of table) out.push(concat('  ', line)); // a note may hold more fields than a call takes arguments
  }
  if (d.artifacts.length) {
    const latin1 = (a: { pathLatin1?: true }) => (a.pathLatin1 ? paint(color, 'dim', ' (name not UTF-8, read as Latin-1)') : '');
    const names = d.artifacts.map((a) => quoteName(a.path));
    const width = Math.max(...names.map((n) => n.length));
    const lfs = (a: RunDetails['artifacts'][number]) => (!a.lfs ? '' : paint(color, 'dim', a.lfs.here ? '  git LFS' : `  git LFS, not here (${getCommand(d.id, a.path)})`));
    out.push('', paint(color, 'bold', 'artifacts'), ...d.artifacts.map((a, i) => styled`  ${names[i]!.padEnd(width)}  ${paint(color, 'dim', formatBytes(a.size).padStart(9))}${lfs(a)}${latin1(a)}`));
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const log = d.logs[name];
    if (!log.lines) continue;
    const shown = log.tail.length < log.lines ? `last ${log.tail.length} of ${log.lines} lines` : `${log.lines} line${log.lines === 1 ? '' : 's'}`;
    out.push('', styled`${paint(color, 'bold', name)} ${paint(color, 'dim', `(${shown}; --log ${name} for all)`)}`, ...log.tail.map((l) => `  ${p(asDrawn(l))}`));
  }
  if (d.diffStat) out.push('', paint(color, 'bold', 'uncommitted changes in the snapshot'), ...d.diffStat.split('\n').map((l) => `  ${l.trim()}`));
  return concat(joinText(out, '\n'), '\n');
}

/** CSI sequences: colours, cursor moves, line erases. */
const CSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * A log line as the terminal showed it: a command run on a terminal writes
 * CRLF line ends, colours, and progress bars redrawn after a bare CR. Only the
 * text after the last CR stays visible, and colours are dropped (never sent:
 * anything else left is spelled out by printable). `--log` keeps the bytes.
 */
function asDrawn(line: string): string {
  const plain = line.replace(CSI, '').replace(/\r+$/, '');
  const cr = plain.lastIndexOf('\r');
  return cr < 0 ? plain : plain.slice(cr + 1);
}
