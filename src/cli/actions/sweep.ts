import os from 'node:os';
import { assumedDirectionWarning, metricDirections } from '../../compare/direction.js';
import { TmtError } from '../../errors.js';
import { openRepo, type Repo } from '../../git/repo.js';
import { dirInRepo, recordRun } from '../../run/record/record.js';
import { checkProgram } from '../../sweep/program.js';
import { sweepProgress, type SweepProgress } from '../../sweep/progress.js';
import { indexRanges } from '../../sweep/ranges.js';
import { runSweep, trialRun } from '../../sweep/run-sweep.js';
import { readSpec, type SweepSpec } from '../../sweep/spec.js';
import { summarize, sweepMetrics, type SweepSummary } from '../../sweep/summary.js';
import { allTrials, checkIndex, checkSize, combinationCount, DEFAULT_MAX_TRIALS, trialAt, type Trial } from '../../sweep/trials.js';
import type { SweepFlags } from '../commands/sweep.js';
import type { Context } from '../context.js';
import { warn, type Output } from '../output.js';
import { formatDuration, formatValue, paint, statusColor } from '../render/format.js';
import { TABULAR_FORMATS, type Cell, type TabularFormat } from '../render/formats.js';
import { LinePrefixer } from '../render/line-prefix.js';
import { styled, type Text } from '../terminal-text.js';
import { commandTerminal, reportRunEnd } from './record.js';
import { warnSnapshot } from '../render/snapshot-warnings.js';
import { parseSize } from '../../util/parse-size.js';

export type SweepCommandOptions = SweepFlags & { cwd: string; spec: string };

const SCHEMA_VERSION = 1;

/** `tmt sweep`: the spec read and checked, then one of --list, --missing, --summary, --index, or the sweep run. */
export async function sweepCommand(opts: SweepCommandOptions, ctx: Context): Promise<number> {
  const modes = (['list', 'missing', 'summary', 'index'] as const).filter((m) => (m === 'index' ? opts.index !== undefined : opts[m]));
  if (modes.length > 1) throw new TmtError('BAD_ARGUMENT', `--${modes[0]} and --${modes[1]} are different questions`, { hint: 'ask one at a time' });
  const mode = modes[0] ?? 'run';
  checkFlagsFit(opts, mode);
  const spec = readSpec(opts.spec, opts.cwd);
  checkSize(spec, opts.maxTrials ?? DEFAULT_MAX_TRIALS);
  if (mode === 'index') return runIndex(opts, spec, ctx);
  const repo = await openRepo({ cwd: opts.cwd });
  const trials = allTrials(spec);
  const progress = await sweepProgress(repo, spec.name, trials, dirInRepo(repo, opts.cwd) ?? '');
  if (mode === 'list') return listTrials(opts, spec, progress, ctx);
  if (mode === 'missing') return listMissing(opts, progress, ctx);
  if (mode === 'summary') return showSummary(opts, repo, spec, progress, ctx, true);
  return runMissing(opts, repo, spec, progress, ctx);
}

function checkFlagsFit(opts: SweepCommandOptions, mode: string): void {
  const tabular = ['table', 'json', 'csv', 'tsv', 'md'];
  const fits = mode === 'missing' ? ['table', 'lines', 'array', 'json'] : mode === 'list' || mode === 'summary' ? tabular : ['table', 'json'];
  if (!fits.includes(opts.format)) {
    throw new TmtError('BAD_ARGUMENT', `--format ${opts.format} does not fit ${mode === 'run' || mode === 'index' ? 'running a sweep' : `--${mode}`}`, { hint: `with ${mode === 'run' || mode === 'index' ? 'a run' : `--${mode}`}: ${fits.join(', ')}` });
  }
  if (mode !== 'run' && (opts.jobs !== undefined || opts.gpus !== undefined)) {
    throw new TmtError('BAD_ARGUMENT', `-j and --gpus are for running a sweep, not --${mode}`, { hint: mode === 'index' ? 'a cluster job sets CUDA_VISIBLE_DEVICES itself' : 'leave them out' });
  }
  if (opts.max && opts.min) throw new TmtError('BAD_ARGUMENT', '--max and --min contradict each other', { hint: 'pick one, or neither to use the default for the metric' });
  if (opts.noLink && opts.link.length) throw new TmtError('BAD_ARGUMENT', '--link and --no-link contradict each other', { hint: 'pick one' });
}

/** `--index I`: one trial, as `tmt record` runs a command: in the working tree, with the code found there. */
async function runIndex(opts: SweepCommandOptions, spec: SweepSpec, ctx: Context): Promise<number> {
  const { out, term } = ctx;
  const trial = trialAt(spec, checkIndex(spec, opts.index!));
  parseSize(opts.maxFileSize, '--max-file-size'); // a bad size is refused before anything runs
  checkProgram(trial.argv[0]!, opts.cwd);
  const repo = await openRepo({ cwd: opts.cwd });
  const result = await recordRun({
    ...trialRun(spec, trial),
    repo,
    cwd: opts.cwd,
    ...commandTerminal({ term }, { noPty: opts.noPty, outputToStderr: opts.format === 'json' }),
    noCache: opts.noCache,
    maxFileSize: parseSize(opts.maxFileSize, '--max-file-size'),
    onStart: (id, snap) => {
      warnSnapshot(out, snap, opts.maxFileSize);
      if (!opts.quiet) out.err(paint(out.color, 'dim', `tmt: ${spec.name} trial ${trial.index} (${describeParams(trial)}): recording run ${id}\n`));
    },
  });
  if (opts.format === 'json') out.json({ schemaVersion: SCHEMA_VERSION, sweep: spec.name, index: trial.index, repeat: trial.repeat, id: result.id, status: result.meta.status, exitCode: result.exitCode });
  reportRunEnd(out, result, opts.quiet);
  return result.exitCode;
}

function listTrials(opts: SweepCommandOptions, spec: SweepSpec, progress: SweepProgress, { out, term }: Context): number {
  const trees = codeTrees(progress);
  const treeWarning = trees.size > 1 ? `the trials of ${spec.name} ran ${trees.size} different code trees (${[...trees].map(([t, n]) => `${t.slice(0, 7)}: ${n}`).join(', ')}); tmt diff RUN1 RUN2 shows what changed` : undefined;
  const strayWarning = progress.strays.length ? `${progress.strays.length === 1 ? `1 run of ${spec.name} matches` : `${progress.strays.length} runs of ${spec.name} match`} no trial of the spec as it is now (it changed since ${progress.strays.length === 1 ? 'it' : 'they'} ran, or ran from another directory): ${progress.strays.slice(0, 5).map((r) => r.id.slice(0, 12)).join(', ')}${progress.strays.length > 5 ? ', ...' : ''}` : undefined;
  if (opts.format === 'json') {
    out.json({
      schemaVersion: SCHEMA_VERSION,
      sweep: spec.name,
      combinations: combinationCount(spec),
      repeat: spec.repeat,
      trials: progress.trials.map((p) => ({
        index: p.trial.index,
        repeat: p.trial.repeat,
        combination: p.trial.combination,
        params: Object.fromEntries(p.trial.params),
        argv: p.trial.argv,
        status: trialStatus(p),
        runs: p.runs.map((r) => r.id),
        tree: (p.finished ?? p.runs.at(-1))?.tree ?? null,
      })),
      strays: progress.strays.map((r) => r.id),
      warnings: [treeWarning, strayWarning].filter(Boolean),
    });
    return 0;
  }
  const keys = progress.trials[0]?.trial.params.map(([k]) => k) ?? [];
  const showTree = trees.size > 1;
  const table = {
    columns: ['index', 'repeat', ...keys, 'status', 'runs', ...(showTree ? ['tree'] : [])],
    rows: progress.trials.map((p): Cell[] => [
      p.trial.index,
      p.trial.repeat,
      ...p.trial.params.map(([, v]) => v),
      trialStatus(p),
      p.runs.map((r) => r.id.slice(0, 12)).join(' '),
      ...(showTree ? [((p.finished ?? p.runs.at(-1))?.tree ?? '').slice(0, 7)] : []),
    ]),
  };
  out.out(TABULAR_FORMATS[opts.format as TabularFormat](table, { width: term.width, color: out.color }));
  for (const w of [treeWarning, strayWarning]) if (w) warn(out, w);
  if (opts.format === 'table' && !opts.quiet) {
    const done = progress.trials.filter((p) => p.finished).length;
    out.err(`${spec.name}: ${done} of ${progress.trials.length} trial${progress.trials.length === 1 ? '' : 's'} finished\n`);
  }
  return 0;
}

function listMissing(opts: SweepCommandOptions, progress: SweepProgress, { out }: Context): number {
  const missing = progress.trials.filter((p) => !p.finished).map((p) => p.trial.index);
  if (opts.format === 'json') out.json({ schemaVersion: SCHEMA_VERSION, missing });
  else if (opts.format === 'array') out.out(missing.length ? `${indexRanges(missing)}\n` : '');
  else out.out(missing.map((i) => `${i}\n`).join(''));
  return 0;
}

async function showSummary(opts: SweepCommandOptions, repo: Repo, spec: SweepSpec, progress: SweepProgress, ctx: Context, asked: boolean): Promise<number> {
  const { out, term } = ctx;
  const metric = pickMetric(opts, spec, progress, asked);
  if (!metric) return 0;
  const { directions, warnings } = await metricDirections(repo, [metric], { higher: opts.max ? [metric] : [], lower: opts.min ? [metric] : [] });
  const assumed = assumedDirectionWarning(metric, directions.get(metric)!);
  for (const w of assumed ? [...warnings, assumed] : warnings) warn(out, w);
  const summary = summarize(spec, progress, metric, directions.get(metric)!.direction);
  if (opts.format === 'json') {
    out.json({ schemaVersion: SCHEMA_VERSION, sweep: spec.name, metric, direction: summary.direction, rows: summary.rows.map(jsonRow), best: summary.best ? jsonRow(summary.best) : null });
    return 0;
  }
  const keys = Object.keys(summary.rows[0]?.params ?? {});
  const pretty = opts.format === 'table';
  const table = {
    columns: [...keys, `${metric} (mean)`, 'std', 'n', ...(pretty ? [] : ['runs'])],
    rows: summary.rows.map((r): Cell[] => [
      ...keys.map((k) => r.params[k] ?? null),
      r.mean === undefined ? null : pretty ? formatValue(r.mean) : r.mean,
      r.std === undefined ? null : pretty ? `± ${formatValue(r.std)}` : r.std,
      pretty ? `${r.count}/${r.trials}` : r.count,
      ...(pretty ? [] : [r.runs.join(' ')]),
    ]),
  };
  out.out(TABULAR_FORMATS[opts.format as TabularFormat](table, { width: term.width, color: out.color }));
  for (const w of summaryWarnings(summary)) warn(out, w);
  if (pretty) out.out(bestLine(out, summary));
  return 0;
}

/** The metric to rank by: --metric, the spec's, or the only one the runs have; undefined (said why) when a run's end summary cannot tell. */
function pickMetric(opts: SweepCommandOptions, spec: SweepSpec, progress: SweepProgress, asked: boolean): string | undefined {
  const given = opts.metric?.replace(/^metrics\./, '') ?? spec.metric;
  if (given) return given;
  const names = sweepMetrics(progress);
  if (names.length === 1) return names[0];
  if (!asked) return undefined;
  throw new TmtError(names.length ? 'BAD_ARGUMENT' : 'NOT_FOUND', names.length ? `which metric? the runs of ${spec.name} have ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}` : `no finished run of ${spec.name} has a metric yet`, {
    hint: names.length ? `--metric ${names[0]}, or metric: ${names[0]} in the spec` : 'trials write metrics as JSON lines to $TMT_METRICS; tmt sweep SPEC --list shows what ran',
  });
}

function summaryWarnings(s: SweepSummary): string[] {
  const out: string[] = [];
  if (s.withoutMetric) out.push(`${s.withoutMetric} finished run${s.withoutMetric === 1 ? ' has' : 's have'} no ${s.metric}: not counted`);
  if (s.diverged) out.push(`${s.diverged} finished run${s.diverged === 1 ? ' has' : 's have'} ${s.metric} NaN or infinite (diverged): not counted`);
  return out;
}

function bestLine(out: Output, s: SweepSummary): Text {
  if (!s.best) return `no finished run has ${s.metric} yet\n`;
  const b = s.best;
  const params = Object.entries(b.params).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
  const spread = b.std === undefined ? '' : ` ± ${formatValue(b.std)}`;
  return styled`${paint(out.color, 'bold', 'best')}: ${params}: ${s.metric} ${formatValue(b.mean!)}${spread} (${s.direction === 'max' ? 'higher' : 'lower'} is better; ${String(b.count)} run${b.count === 1 ? '' : 's'})\n`;
}

function jsonRow(r: SweepSummary['rows'][number]) {
  return { combination: r.combination, params: r.params, mean: r.mean ?? null, std: r.std ?? null, count: r.count, trials: r.trials, runs: r.runs };
}

/** The sweep run: every trial with no finished run (none running elsewhere), N at a time. */
async function runMissing(opts: SweepCommandOptions, repo: Repo, spec: SweepSpec, progress: SweepProgress, ctx: Context): Promise<number> {
  const { out, term } = ctx;
  const say = (text: string) => !opts.quiet && out.err(paint(out.color, 'dim', `tmt: ${text}\n`));
  const todo = progress.trials.filter((p) => !p.finished && !p.running).map((p) => p.trial);
  const runningTrials = progress.trials.filter((p) => !p.finished && p.running);
  const running = runningTrials.length;
  const done = progress.trials.length - todo.length - running;
  const here = os.hostname();
  const afar = runningTrials.flatMap((p) => p.runs.filter((r) => r.status === 'running' && r.host !== here));
  const gpus = opts.gpus === undefined ? undefined : parseGpus(opts.gpus);
  const jobs = opts.jobs ?? gpus?.length ?? 1;
  if (running) say(`${plural(running, 'trial')} ${running === 1 ? 'is' : 'are'} running already (another tmt sweep, or an --index job): left to ${running === 1 ? 'it' : 'them'}`);
  if (afar.length) {
    const hosts = [...new Set(afar.map((r) => r.host ?? '?'))].join(', ');
    warn(out, `${plural(afar.length, 'run')} of ${spec.name} ${afar.length === 1 ? 'is' : 'are'} recorded as running on ${hosts}, which tmt cannot ask; if ${afar.length === 1 ? 'that job' : 'those jobs'} died, tmt rm ${afar.slice(0, 4).map((r) => r.id.slice(0, 12)).join(' ')}${afar.length > 4 ? ' ...' : ''} lets this sweep run ${afar.length === 1 ? 'it' : 'them'}`);
  }
  if (todo.length === 0) {
    say(`all ${progress.trials.length} trials of ${spec.name} have ${running ? 'a finished or running run' : 'finished runs'}`);
    return finish(opts, repo, spec, ctx, { ran: [], interrupted: false });
  }
  const json = opts.format === 'json';
  const prefixers = new Map<number, { stdout: LinePrefixer; stderr: LinePrefixer }>();
  const terminal = commandTerminal({ term }, { noPty: true, outputToStderr: json });
  const width = String(progress.trials.length - 1).length;
  let ended = 0;
  const result = await runSweep({
    repo,
    spec,
    trials: todo,
    cwd: opts.cwd,
    jobs,
    gpus,
    link: opts.noLink ? [] : opts.link.length ? opts.link : 'ignored',
    signals: process,
    noCache: opts.noCache,
    maxFileSize: parseSize(opts.maxFileSize, '--max-file-size'),
    self: terminal.self,
    streams: (trial) => {
      const prefix = out.color ? `\x1b[2m[${String(trial.index).padStart(width)}]\x1b[0m ` : `[${String(trial.index).padStart(width)}] `;
      const streams = { stdout: new LinePrefixer(terminal.stdout, prefix), stderr: new LinePrefixer(terminal.stderr, prefix) };
      prefixers.set(trial.index, streams);
      return streams;
    },
    onSnapshot: (snap, workers) => {
      warnSnapshot(out, snap, opts.maxFileSize);
      say(`sweep ${spec.name}: ${plural(progress.trials.length, 'trial')}, ${done} finished already; running ${todo.length}, ${workers} at a time, on one snapshot of the code (tree ${snap.tree.slice(0, 7)}, ${snap.files} files)`);
    },
    onTrialStart: (trial, id) => say(`[${trial.index}] ${describeParams(trial)}: run ${id.slice(0, 12)}`),
    onTrialEnd: (trial, r) => {
      const p = prefixers.get(trial.index);
      p?.stdout.flush();
      p?.stderr.flush();
      prefixers.delete(trial.index);
      ended++;
      for (const w of r.warnings) warn(out, `[${trial.index}] ${w}`);
      if (opts.quiet) return;
      const why = r.meta.failure ? ` (${r.meta.failure})` : r.meta.exitCode ? ` (exit ${r.meta.exitCode})` : '';
      out.err(styled`tmt: [${String(trial.index)}] ${paint(out.color, statusColor(r.meta.status), r.meta.status)}${why} in ${formatDuration(r.meta.durationMs)} (${String(ended)} of ${String(todo.length)})\n`);
    },
    onInterrupt: (second) =>
      say(second ? 'killing the running trials' : 'stopping: no new trials start; the running ones end as killed (Ctrl-C again kills them at once)'),
  });
  for (const w of result.warnings) warn(out, w);
  for (const s of result.skipped) say(`[${s.trial.index}] left out: ${s.why} (another tmt sweep of this spec)`);
  const counts = new Map<string, number>();
  for (const { result: r } of result.ended) counts.set(r.meta.status, (counts.get(r.meta.status) ?? 0) + 1);
  const tally = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  say(`sweep ${spec.name}: ${result.ended.length} ran${tally ? ` (${tally})` : ''}${result.notStarted ? `; ${result.notStarted} not started` : ''}`);
  if (result.stoppedBy) warn(out, `the sweep stopped: a trial could not start (${result.stoppedBy}); fix the command, then run tmt sweep ${opts.spec} again`);
  if (result.interrupted) say(`interrupted: tmt sweep ${opts.spec} runs what is left`);
  const failed = result.ended.some(({ result: r }) => r.meta.status !== 'finished');
  const code = result.interrupted ? 130 : failed || result.stoppedBy ? 1 : 0;
  return finish(opts, repo, spec, ctx, { ran: result.ended.map(({ trial, result: r }) => ({ index: trial.index, repeat: trial.repeat, id: r.id, status: r.meta.status })), interrupted: result.interrupted }, code);
}

/** After a run: the summary (when a metric is known), or the JSON result. */
async function finish(opts: SweepCommandOptions, repo: Repo, spec: SweepSpec, ctx: Context, ran: { ran: unknown[]; interrupted: boolean }, code = 0): Promise<number> {
  const progress = await sweepProgress(repo, spec.name, allTrials(spec), dirInRepo(repo, opts.cwd) ?? '');
  const missing = progress.trials.filter((p) => !p.finished).map((p) => p.trial.index);
  if (opts.format === 'json') {
    const metric = pickMetric(opts, spec, progress, false);
    const summary = metric ? summarize(spec, progress, metric, (await metricDirections(repo, [metric], { higher: opts.max ? [metric] : [], lower: opts.min ? [metric] : [] })).directions.get(metric)!.direction) : undefined;
    ctx.out.json({ schemaVersion: SCHEMA_VERSION, sweep: spec.name, ran: ran.ran, interrupted: ran.interrupted, missing, best: summary?.best ? jsonRow(summary.best) : null, metric: metric ?? null });
    return code;
  }
  if (ran.interrupted) return code;
  if (pickMetric(opts, spec, progress, false)) await showSummary({ ...opts, format: 'table' }, repo, spec, progress, ctx, false);
  else if (!opts.quiet) {
    const names = sweepMetrics(progress);
    if (names.length > 1) ctx.out.err(`tmt: tmt sweep ${opts.spec} --summary --metric NAME ranks the combinations (metrics: ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', ...' : ''})\n`);
  }
  if (missing.length && !opts.quiet) ctx.out.err(`tmt: ${missing.length} trial${missing.length === 1 ? ' has' : 's have'} no finished run: ${indexRanges(missing)}\n`);
  return code;
}

function trialStatus(p: SweepProgress['trials'][number]): string {
  return p.finished ? 'finished' : (p.runs.at(-1)?.status ?? 'missing');
}

/** Each trial's newest run's tree (finished preferred), counted: more than one means the code changed between trials. */
function codeTrees(progress: SweepProgress): Map<string, number> {
  const trees = new Map<string, number>();
  for (const p of progress.trials) {
    const run = p.finished ?? p.runs.at(-1);
    if (run) trees.set(run.tree, (trees.get(run.tree) ?? 0) + 1);
  }
  return trees;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeParams(trial: Trial): string {
  return trial.params.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ');
}

function parseGpus(text: string): string[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9-]+$/.test(id))) {
    throw new TmtError('BAD_ARGUMENT', `--gpus ${text}: expected GPU ids separated by commas`, { hint: 'e.g. --gpus 0,1 (each worker gets CUDA_VISIBLE_DEVICES set to one of them)' });
  }
  return ids;
}
