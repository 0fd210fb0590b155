import { TmtError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { flattenParams } from '../../compare/params.js';
import { groupRuns, parseAggs, parseGroupSort, sortGroups, type Agg } from '../../query/aggregate.js';
import type { SortKey } from '../../query/sort.js';
import { checkField, fieldValue, splitFields, type QueryRun } from '../../query/expr/index.js';
import { finishedOnly, unfinishedWarning } from '../../query/finished.js';
import { listedRows, mainMetrics, selectRuns, type Listed } from '../../query/list.js';
import { withCatalog } from '../../run/read/read.js';
import { TABULAR_FORMATS, type Tabular } from '../render/formats.js';
import { formatDuration, formatTime } from '../render/format.js';
import { renderRunTable } from '../render/runs.js';
import type { ListFlags } from '../commands/list.js';
import type { Context } from '../context.js';
import { unknownFieldWarning, unreadableWarning } from '../../query/warnings.js';
import { warn, type Output } from '../output.js';

export type ListCommandOptions = Omit<ListFlags, 'remote' | 'json'> & { cwd: string };

export async function listCommand(opts: ListCommandOptions, { out, term }: Context): Promise<number> {
  const columns = fieldList(opts.columns, '--columns');
  const groupBy = fieldList(opts.groupBy, '--group-by');
  if (opts.agg !== undefined && !groupBy) throw new TmtError('BAD_ARGUMENT', '--agg needs --group-by', { hint: "e.g. --group-by params.lr --agg 'mean(metrics.acc),count'" });
  const aggs = groupBy ? parseAggs(opts.agg ?? 'count') : [];
  if (groupBy && columns) throw new TmtError('BAD_ARGUMENT', '--columns does not apply to --group-by', { hint: 'a grouped table has the --group-by keys, then the --agg columns' });
  if (opts.anyStatus && !groupBy) throw new TmtError('BAD_ARGUMENT', '--any-status goes with --group-by', { hint: 'tmt list shows runs of every status; --any-status lets --group-by aggregates count unfinished runs too' });
  // Grouped, --sort and --limit act on the groups, not on the runs in them.
  const groupSort = groupBy && opts.sort !== undefined ? parseGroupSort(opts.sort, groupBy, aggs) : undefined;
  const repo = await openRepo({ cwd: opts.cwd });
  return withCatalog(repo, (catalog) => {
    const runQuery = groupBy ? { ...opts, sort: undefined, limit: undefined } : opts;
    const query = { ...runQuery, status: opts.status.flatMap((s) => s.split(',').map((v) => v.trim()).filter(Boolean)), tags: opts.tag, nowMs: Date.now() };
    const fields = [...(groupBy ?? []), ...(columns ?? []), ...aggs.flatMap((a) => (a.field ? [a.field] : []))];
    const selection = selectRuns(catalog, { ...query, fields });
    for (const f of selection.unknownFields) warn(out, unknownFieldWarning(f));
    if (selection.unreadableLeftOut) warn(out, unreadableWarning(selection.unreadableLeftOut));
    const odd = catalog.state.ignoredRefs ?? [];
    if (odd.length) warn(out, `left out ${odd.length} ref${odd.length === 1 ? '' : 's'} under refs/tmt/runs/ that ${odd.length === 1 ? 'is' : 'are'} not a run id (${odd.slice(0, 3).map((r) => JSON.stringify(r)).join(', ')}${odd.length > 3 ? ', ...' : ''}); git update-ref -d REF deletes one`);
    selection.runs.forEach((run, k) => run.status === 'unreadable' && warn(out, `run ${run.id}: ${catalog.problem(selection.rows[k]!)}`));
    // Grouping reads only the columns it needs; listing loads the shown runs whole.
    if (groupBy) {
      const counted = finishedOnly(selection.runs, { anyStatus: opts.anyStatus, where: opts.where, status: query.status, groupBy });
      if (counted.unfinished) warn(out, unfinishedWarning(counted.unfinished));
      return groupCommand(counted.runs, counted.unfinished, groupBy, aggs, groupSort, opts, term.width, out);
    }
    // An empty repository, often a fresh clone: say where runs come from.
    if (catalog.ids.length === 0 && opts.format === 'table') out.err('hint: record a run with tmt record -- <command>; a clone gets the runs pushed to its remote with tmt fetch\n');
    const listed = listedRows(catalog, selection.rows);
    if (opts.format === 'json' && columns) {
      // Just the fields asked for, keyed as written, with values as filters read them.
      const runs = listed.map((l) => Object.fromEntries(columns.map((c) => [c, fieldValue(l.run, c) ?? null])));
      out.json({ schemaVersion: 1, columns, runs });
    } else if (opts.format === 'json') {
      // Every run has every key: null where a run has no value, so consumers need not test for presence.
      out.json({ schemaVersion: 1, runs: listed.map(({ row }) => ({ ...row, name: row.name ?? null, started: row.started ?? null, durationMs: row.durationMs ?? null })) });
    } else if (opts.format === 'table' && !columns) {
      out.out(renderRunTable(listed.map((l) => l.row), { width: term.width, color: out.color }));
    } else {
      out.out(TABULAR_FORMATS[opts.format](tabulate(listed, columns, opts.format), { width: term.width, color: out.color }));
    }
    return 0;
  });
}

/** A comma-separated list of fields, each checked; an empty list is an error, not no columns. */
function fieldList(spec: string | undefined, flag: string): string[] | undefined {
  if (spec === undefined) return undefined;
  const fields = splitFields(spec);
  if (fields.length === 0) throw new TmtError('BAD_ARGUMENT', `${flag} is empty`, { hint: `name at least one field, e.g. ${flag} name,params.lr,metrics.acc` });
  for (const f of fields) checkField(f, flag);
  return fields;
}

/** Columns as asked, or for files every param and metric (what a notebook wants). */
function tabulate(listed: readonly Listed[], columns: string[] | undefined, format: string): Tabular {
  // Nested params become dotted columns (params.model.depth), as tmt compare writes them.
  const flat = new Map(listed.map((l) => [l, flattenParams(l.run.params)]));
  const params = [...new Set(listed.flatMap((l) => [...flat.get(l)!.keys()]))].sort().map((k) => `params.${k}`);
  const metrics = format === 'table' ? mainMetrics(listed.map((l) => l.row)).map((k) => `metrics.${k}`) : [...new Set(listed.flatMap((l) => Object.keys(l.run.metrics)))].sort().map((k) => `metrics.${k}`);
  const cols = columns ?? ['id', 'name', 'status', 'started', 'duration', 'tags', ...params, ...metrics];
  const human = format === 'table' || format === 'md';
  return {
    columns: cols,
    rows: listed.map((l) =>
      cols.map((c) => {
        if (c === 'id' && human) return l.row.shortId;
        if ((c === 'started' || c === 'ended') && human) return formatTime(c === 'started' ? l.run.started : l.run.ended);
        if (c === 'duration' && human) return formatDuration(l.run.durationMs);
        const v = !columns && c.startsWith('params.') ? flat.get(l)!.get(c.slice('params.'.length)) : fieldValue(l.run, c);
        if (Array.isArray(v)) return v.join(human ? ', ' : ';');
        return v === undefined || v === null || typeof v === 'object' ? (v ? JSON.stringify(v) : null) : (v as string | number | boolean);
      }),
    ),
  };
}

function groupCommand(runs: QueryRun[], unfinished: number, keys: string[], aggs: Agg[], sort: SortKey[] | undefined, opts: ListCommandOptions, width: number | undefined, out: Output): number {
  let groups = groupRuns(runs, keys, aggs);
  if (sort) groups = sortGroups(groups, sort);
  if (opts.limit !== undefined) groups = groups.slice(0, opts.limit);
  if (opts.format === 'json') {
    out.json({ schemaVersion: 1, groupBy: keys, groups: groups.map((g) => ({ key: g.key, runs: g.runs.map((r) => r.id), values: g.values })), unfinished });
    return 0;
  }
  const table: Tabular = {
    columns: [...keys, ...aggs.map((a) => a.label)],
    // On screen a group of runs without the key shows a dash, apart from one whose value is empty text.
    rows: groups.map((g) => [...keys.map((k) => (g.key[k] === null && (opts.format === 'table' || opts.format === 'md') ? '—' : (g.key[k] as string | number | null))), ...aggs.map((a) => g.values[a.label])]),
  };
  out.out(TABULAR_FORMATS[opts.format](table, { width, color: out.color }));
  return 0;
}
