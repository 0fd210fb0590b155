/**
 * The shape every run record must have before anything uses it. Notes come
 * from other people's machines (`tmt fetch`), so a field that tmt later hands
 * to git as an argument must be exactly an object id, never text like
 * `--output=~/.bashrc`, and a field the code treats as a list must be one.
 * A note that fails is reported as unreadable, naming the field.
 */

/** A note that is not a readable tmt run record; the message says why. */
export class MetaParseError extends Error {
  /**
   * Set when the text is a tmt run record (a schemaVersion and a run id) that
   * is damaged or newer than this tmt: a run's record, not another tool's note.
   */
  runId?: string;
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const RUN_ID = /^[0-9a-z]{1,64}$/;
const STATUSES = new Set(['running', 'finished', 'failed', 'killed']);

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isCount: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const isOid: Check = (v) => typeof v === 'string' && OID.test(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Loops, not iterator helpers: this runs for every note of a 100,000-run catalog.
const listOf =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return false;
    for (const x of v) if (!item(x)) return false;
    return true;
  };
const recordOf =
  (item: Check): Check =>
  (v) => {
    if (!isObject(v)) return false;
    for (const k in v) if (!item(v[k])) return false;
    return true;
  };
const shape =
  (fields: Record<string, Check>, required: readonly string[] = []): Check =>
  (v) => {
    if (!isObject(v)) return false;
    for (const k of required) if (v[k] === undefined) return false;
    for (const k in v) {
      const check = fields[k];
      const x = v[k];
      if (check && x !== undefined && x !== null && !check(x)) return false;
    }
    return true;
  };

const summary = shape({ first: isNumber, last: isNumber, min: isNumber, max: isNumber, count: isNumber, minStep: isNumber, maxStep: isNumber }, ['first', 'last', 'min', 'max', 'count']);

/** Top-level fields and what each must be when present. */
/** A time as tmt writes it (toISOString): filters compare it as a date, so it must read as one. */
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const isTime: Check = (v) => typeof v === 'string' && TIME.test(v);

const FIELDS: Record<string, Check | undefined> = {
  id: (v) => typeof v === 'string' && RUN_ID.test(v),
  name: isString,
  description: isString,
  tags: listOf(isString),
  status: (v) => typeof v === 'string' && STATUSES.has(v),
  params: isObject,
  metrics: recordOf(summary),
  started: isTime,
  ended: isTime,
  durationMs: isNumber,
  exitCode: isNumber,
  command: shape({ argv: listOf(isString), cwd: isString, dir: isString }),
  host: shape({ hostname: isString, user: isString, os: isString, node: isString, pid: isNumber }),
  git: shape({ base: isOid, branch: isString, dirty: isBoolean, tree: isOid }),
  snapshot: shape({ files: isNumber, skipped: listOf(shape({ path: isString, reason: isString, size: isNumber })) }),
  env: recordOf(isString),
  outputs: isOid,
  failure: isString,
  warnings: listOf(isString),
  updated: isTime,
  rerunOf: (v) => typeof v === 'string' && RUN_ID.test(v),
  sweep: shape({ name: isString, index: isCount, repeat: isCount }, ['name', 'index', 'repeat']),
};

/** Throws MetaParseError naming the first field of the wrong shape; null fields are dropped as absent. */
export function checkMetaShape(m: Record<string, unknown>): void {
  for (const key in m) {
    const check = FIELDS[key];
    if (!check) continue;
    const v = m[key];
    if (v === null) delete m[key];
    else if (v !== undefined && !check(v)) throw new MetaParseError(`field "${key}" is not ${describe(key)}`);
  }
}

function describe(key: string): string {
  if (key === 'outputs') return 'an object id';
  if (key === 'git') return 'a mapping whose base and tree are object ids';
  if (key === 'id' || key === 'rerunOf') return 'a run id';
  if (key === 'started' || key === 'ended' || key === 'updated') return 'a time like 2026-11-24T09:30:00.000Z';
  if (key === 'sweep') return 'a mapping of name, index and repeat (whole numbers)';
  if (key === 'status') return `one of ${[...STATUSES].join(', ')}`;
  return 'what tmt writes there';
}
