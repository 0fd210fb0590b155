/**
 * The run record kept in a run's note, as YAML. `schemaVersion` lets the
 * format evolve: readers accept older versions and refuse newer ones loudly.
 */
import { emitYaml } from './yaml-emit.js';
import { parseFastYaml } from './yaml-fast.js';
import { checkMetaShape, MetaParseError } from './meta-shape.js';
import { RUN_ID_PATTERN } from './id.js';

export { MetaParseError };

export const SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export interface MetricSummary {
  first: number;
  last: number;
  min: number;
  max: number;
  count: number;
  minStep?: number;
  maxStep?: number;
}

export interface SweepTrialRef {
  name: string;
  index: number;
  repeat: number;
}

export interface RunMeta {
  schemaVersion: number;
  id: string;
  name?: string;
  description?: string;
  tags: string[];
  status: RunStatus;
  params: Record<string, unknown>;
  metrics: Record<string, MetricSummary>;
  started: string;
  ended?: string;
  /**
   * When tmt last edited the record (ISO time): the end of recording, `tmt log
   * --run`, `tmt edit`, a merge. Decides which side wins when two clones changed
   * the same field; older notes have none, and then `ended` or `started` counts.
   */
  updated?: string;
  durationMs?: number;
  exitCode?: number;
  /**
   * What was run, and where: `cwd` as it was on the recording machine, `dir`
   * the same directory relative to the top of the working tree ('' for the
   * top; absent in notes older than tmt 0.2), which is what a rerun goes by.
   */
  command?: { argv: string[]; cwd: string; dir?: string };
  /** The run this one reran (`tmt rerun`). */
  rerunOf?: string;
  /** The sweep trial this run is (`tmt sweep`): the sweep's name, the trial's index and which repeat of its combination. */
  sweep?: SweepTrialRef;
  host?: { hostname: string; user: string; os: string; node: string; pid: number };
  git: { base?: string; branch?: string; dirty: boolean; tree: string };
  snapshot?: { files: number; skipped: Array<{ path: string; reason: string; size?: number }> };
  env?: Record<string, string>;
  /** The outputs commit (logs, metrics.jsonl, artifacts), once the run has outputs. */
  outputs?: string;
  /** Why a run failed when the command's exit code does not say (e.g. log capture failed). */
  failure?: string;
  /** Warnings raised while recording (bad metrics lines, ...). */
  warnings?: string[];
}

export function serializeMeta(meta: RunMeta): string {
  return emitYaml(dropUndefined(withoutPlaceholders(meta)));
}

/**
 * parseMeta fills `started` and `git` for notes that lack them (hand-written,
 * or from another writer) with placeholders no real run has; written back,
 * they would make the note unreadable. Left out, the note reads back to the
 * same value.
 */
function withoutPlaceholders(meta: RunMeta): RunMeta {
  const g = meta.git as Partial<RunMeta['git']> | undefined;
  const noGit = g !== undefined && g.tree === '' && g.base === undefined && g.branch === undefined && !g.dirty;
  if (meta.started !== '' && !noGit) return meta;
  const out = { ...meta } as Partial<RunMeta>;
  if (out.started === '') delete out.started;
  if (noGit) delete out.git;
  return out as RunMeta;
}

type YamlParse = (text: string) => unknown;
let yamlParse: Promise<YamlParse> | undefined;

/** The YAML parser, loaded on first use: commands that only write runs never pay for it. */
export function loadYamlParser(): Promise<YamlParse> {
  yamlParse ??= import('yaml').then((m) => (text: string) => m.parse(text));
  return yamlParse;
}


/**
 * Parses a note; throws MetaParseError for text that is not a tmt run record.
 * Without a full parser, notes outside the subset tmt writes return undefined.
 */
export function parseMeta(text: string, parse: YamlParse): RunMeta;
export function parseMeta(text: string, parse?: YamlParse): RunMeta | undefined;
export function parseMeta(text: string, parse?: YamlParse): RunMeta | undefined {
  let doc: unknown = parseFastYaml(text);
  if (doc === undefined && !parse) return undefined;
  try {
    doc ??= parse!(text);
  } catch (err) {
    throw new MetaParseError(`not valid YAML: ${(err as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new MetaParseError('not a YAML mapping');
  const m = doc as Partial<RunMeta>;
  if (typeof m.schemaVersion !== 'number') throw new MetaParseError('no schemaVersion');
  if (typeof m.id !== 'string') throw new MetaParseError('no run id');
  try {
    if (m.schemaVersion > SCHEMA_VERSION) throw new MetaParseError(`schemaVersion ${m.schemaVersion} is newer than this tmt understands`);
    checkMetaShape(m as Record<string, unknown>);
  } catch (err) {
    if (err instanceof MetaParseError && RUN_ID_PATTERN.test(m.id)) err.runId = m.id;
    throw err;
  }
  // Defaults filled in place: the parsed document is ours, and 100,000 copies would cost.
  m.tags ??= [];
  m.params ??= {};
  m.metrics ??= {};
  m.status ??= 'running';
  m.started ??= '';
  m.git ??= { dirty: false, tree: '' };
  return m as RunMeta;
}

/** A copy without undefined fields, as JSON would make it, but keeping NaN and ±Infinity (a diverged metric). */
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : dropUndefined(v))) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A key of "__proto__" is data (a param or metric name), not the copy's prototype.
    if (v !== undefined) Object.defineProperty(out, k, { value: dropUndefined(v), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
