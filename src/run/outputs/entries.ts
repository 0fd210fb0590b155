/**
 * Which of a run's outputs a request names. The outputs commit's tree holds
 * `artifacts/<path>`, `logs/stdout`, `logs/stderr` and `metrics.jsonl`;
 * artifacts are named as `tmt show` lists them (relative to `artifacts/`),
 * and a directory's name takes every file under it.
 */
import { TmtError } from '../../errors.js';
import { decodeName } from '../../git/names.js';
import type { Repo } from '../../git/repo.js';
import { listTree, type TreeEntry } from '../../git/tree-writer.js';
import { quoteName } from '../../util/quote-name.js';
import { shellQuote } from '../../util/shell-quote.js';
import { markLfs, type LfsInfo } from './lfs-entries.js';

/** What to get: artifacts by name, every artifact, one log, or metrics.jsonl as stored. */
export type OutputRequest = { artifacts: readonly string[] } | { all: true } | { log: 'stdout' | 'stderr' } | { metrics: true };

/** One file of the outputs, named as tmt show names it, with the tree entry that holds it. */
export interface OutputFile extends Omit<TreeEntry, 'path' | 'bytes'> {
  /** `model.pt`, `plots/loss.png` (relative to artifacts/), `stdout`, `metrics.jsonl`. */
  name: string;
  /** The name's exact bytes: where the file goes under a directory. */
  rel: Buffer;
  /** An artifact stored in git LFS: `size` is then the content's (the pointer's own entry is small). */
  lfs?: LfsInfo;
}

export interface Requested {
  files: OutputFile[];
  /** One file was asked for by its own name (not a directory, not --all): it goes to a file, not into a directory. */
  single: boolean;
}

/** How messages name the run: `01m81s6qabcd (baseline)`, and a selector for hints. */
export interface RunLabel {
  label: string;
  selector: string;
}

const ARTIFACTS = Buffer.from('artifacts/');

/**
 * The command that gets one artifact, to show in a hint: the name as one shell
 * word, and one with a control character in the quoted form tmt get also takes
 * (so a name from another clone prints as one line, and still works).
 */
export function getCommand(id: string, name: string): string {
  return `tmt get ${id.slice(0, 12)} ${shellQuote(/[\x00-\x1f\x7f]/.test(name) ? quoteName(name) : name)}`;
}

/** The files `request` names in the outputs tree `outputs`; a name that matches nothing is NOT_FOUND. */
export async function requestedFiles(repo: Repo, outputs: string, request: OutputRequest, run: RunLabel): Promise<Requested> {
  if ('log' in request || 'metrics' in request) {
    const at = 'log' in request ? `logs/${request.log}` : 'metrics.jsonl';
    const found = (await listTree(repo, outputs, at)).filter((e) => e.path === at);
    if (found.length === 0) throw new TmtError('NOT_FOUND', `run ${run.label} has no ${'log' in request ? `${request.log} log` : 'metrics.jsonl'}`, { hint: `tmt show ${run.selector} says what it has` });
    return { files: found.map((e) => toFile(e, e.bytes.subarray(e.bytes.lastIndexOf(0x2f) + 1))), single: true };
  }
  const listed = (await listTree(repo, outputs, 'artifacts')).filter((e) => e.bytes.subarray(0, ARTIFACTS.length).equals(ARTIFACTS));
  const artifacts = (await markLfs(repo, outputs, listed)).map((e) => toFile(e, e.bytes.subarray(ARTIFACTS.length)));
  if ('all' in request) {
    if (artifacts.length === 0) throw new TmtError('NOT_FOUND', `run ${run.label} has no artifacts`, { hint: 'a command leaves them in $TMT_ARTIFACTS; tmt log artifact FILE adds one' });
    return { files: artifacts, single: false };
  }
  const files = new Set<OutputFile>();
  let single = request.artifacts.length === 1;
  for (const asked of request.artifacts) {
    const matched = match(artifacts, asked);
    if (matched.files.length === 0) throw noSuchArtifact(asked, artifacts, run);
    single &&= matched.file && matched.files.length === 1;
    for (const f of matched.files) files.add(f);
  }
  return { files: [...files], single };
}

/** The file named `asked` (`file`), else everything under the directory `asked`; a name quoted as tmt show quotes it counts too. */
function match(artifacts: readonly OutputFile[], asked: string): { files: OutputFile[]; file: boolean } {
  for (const name of [asked, unquote(asked)]) {
    if (name === undefined) continue;
    const file = artifacts.filter((f) => f.name === name);
    if (file.length) return { files: file, file: true };
    const dir = name.replace(/\/+$/, '') + '/';
    const under = artifacts.filter((f) => f.name.startsWith(dir));
    if (under.length && dir !== '/') return { files: under, file: false };
  }
  return { files: [], file: false };
}

function toFile(e: TreeEntry & { lfs?: LfsInfo }, rel: Buffer): OutputFile {
  return { mode: e.mode, type: e.type, oid: e.oid, size: e.lfs?.size ?? e.size, utf8: e.utf8, name: decodeName(rel), rel, ...(e.lfs ? { lfs: e.lfs } : {}) };
}

/** `"a\tb"` as tmt show (and git) print a name with a tab, back to the name; undefined if `s` is not such a quoted name. */
function unquote(s: string): string | undefined {
  if (!/^".*"$/s.test(s)) return undefined;
  const ESC: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', '\\': '\\' };
  let bad = false;
  const out = s.slice(1, -1).replace(/\\([0-7]{3}|.)/gs, (_, e: string) => (ESC[e] ?? (/^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ((bad = true), e))));
  return bad ? undefined : out;
}

function noSuchArtifact(asked: string, artifacts: readonly OutputFile[], run: RunLabel): TmtError {
  const some = artifacts.slice(0, 5).map((f) => quoteName(f.name)).join(', ');
  return new TmtError('NOT_FOUND', `run ${run.label} has no artifact ${quoteName(asked)}`, {
    hint: artifacts.length ? `it has ${some}${artifacts.length > 5 ? `, and ${artifacts.length - 5} more (tmt show ${run.selector})` : ''}` : 'it has no artifacts',
  });
}
