/**
 * `tmt get`: a run's artifacts, logs or metrics.jsonl back as files, byte for
 * byte. Names come from stored data that may have been crafted (see
 * safe-names.ts), so they are judged first; then every target is checked
 * (write-files.ts) before anything is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeRun } from '../note/id.js';
import { TmtError } from '../../errors.js';
import { streamBlobs } from '../../git/blob-stream.js';
import { copyObjectTo, lfsSettings } from '../../git/lfs.js';
import type { Progress } from '../../git/remote/types.js';
import { chooseRemote, readRemoteConfig } from '../../git/remote/which-remote.js';
import { ensureLfsObjects } from './lfs-download.js';
import { decodeName } from '../../git/names.js';
import { quoteName } from '../../util/quote-name.js';
import type { Repo } from '../../git/repo.js';
import { resolveRun } from '../read/find-run.js';
import { requireOutputs } from '../read/objects-here.js';
import { unreadableRunError } from '../read/read.js';
import { requestedFiles, type OutputFile, type OutputRequest } from './entries.js';
import { planFiles, type LeftOut } from './safe-names.js';
import { checkTargets, under, writeFiles, type Placed } from './write-files.js';

export interface GetOutputsOptions {
  repo: Repo;
  /** A run selector. */
  run: string;
  what: OutputRequest;
  /** Where a relative `output` starts, and the default directory. */
  cwd: string;
  /**
   * One file asked for by its name (or a log, or metrics.jsonl) goes to this
   * file, or under its own name into this directory when it is one (or ends
   * in `/`). Several files (several names, a directory's name, `all`) go into
   * this directory, which is made if missing, keeping their sub-paths.
   * Default: `cwd`.
   */
  output?: string;
  /** Instead of a file, the one file's bytes go here, chunk by chunk (stdout). */
  write?: (chunk: Buffer) => void | Promise<void>;
  /** Replace files that exist (never a directory, and never through a symbolic link). */
  force?: boolean;
  /** Where git-lfs's download meter goes, when LFS artifacts must be downloaded first. */
  progress?: Progress;
  /** A remote (name, URL or path) to download LFS artifacts from before the ones tmt knows the run from. */
  remote?: string;
}

export interface GotFile {
  /** As tmt show names it. */
  name: string;
  /** The name is not UTF-8 and `name` is its Latin-1 reading (as in tmt show --json). */
  nameLatin1?: true;
  /** Where it was written; `-` for `write`. */
  path: string;
  size: number;
}

export interface GotOutputs {
  run: { id: string; name?: string };
  files: GotFile[];
  /** Entries that were not written, and why (links, submodules, names that would leave the directory). */
  leftOut: LeftOut[];
}

export async function getOutputs(opts: GetOutputsOptions): Promise<GotOutputs> {
  const run = await resolveRun(opts.repo, opts.run);
  if (!run.meta) throw unreadableRunError(run, opts.run);
  const selector = run.id.slice(0, 12);
  const label = describeRun(run);
  if (!run.meta.outputs) {
    throw new TmtError('NOT_FOUND', `run ${label} has no outputs (logs, metrics or artifacts)`, { hint: `tmt show ${selector} says what it has` });
  }
  await requireOutputs(opts.repo, run);
  const requested = await requestedFiles(opts.repo, run.meta.outputs, opts.what, { label, selector });
  const { files, leftOut } = planFiles(requested.files);
  if (files.length === 0) {
    const some = leftOut.slice(0, 3).map((l) => `${quoteName(l.name)}: ${l.reason}`).join('; ');
    throw new TmtError('NOT_FOUND', `run ${label}: nothing that can be written; left out ${some}${leftOut.length > 3 ? `; and ${leftOut.length - 3} more` : ''}`, { hint: 'tmt writes regular files under plain names only' });
  }
  const result = (written: Array<{ file: OutputFile; path: string }>): GotOutputs => ({
    run: { id: run.id, ...(run.meta!.name ? { name: run.meta!.name } : {}) },
    files: written.map(({ file, path: p }) => ({ name: file.name, ...(file.utf8 ? {} : { nameLatin1: true as const }), path: p, size: file.size })),
    leftOut,
  });
  const outputs = run.meta.outputs;
  // After the targets were checked: a refusal must not cost a download first.
  const download = async (wanted: readonly OutputFile[]) => {
    const lfs = wanted.filter((f) => f.lfs).map((f) => f.lfs!);
    if (lfs.length) await ensureLfsObjects(opts.repo, { id: run.id, outputs, label }, lfs, { progress: opts.progress, first: opts.remote === undefined ? undefined : chooseRemote(await readRemoteConfig(opts.repo), opts.remote, opts.cwd) });
  };
  if (opts.write) {
    if (!requested.single || files.length !== 1) throw new TmtError('BAD_ARGUMENT', `only one file can go to stdout, and ${files.length === 1 ? 'a directory was asked for' : `${files.length} were asked for`}`, { hint: 'name one file, or give -o DIR' });
    const write = opts.write;
    const only = files[0]!;
    await download([only]);
    if (only.lfs) await copyObjectTo((await lfsSettings(opts.repo)).objectsDir, only.lfs, write);
    else await streamBlobs(opts.repo, [only.oid], { begin: () => undefined, data: write, end: () => undefined });
    return result([{ file: files[0]!, path: '-' }]);
  }
  const { root, placed } = destination(requested.single, files, opts);
  checkTargets(root, placed, opts.force ?? false);
  await download(placed.map((p) => p.file));
  await writeFiles(opts.repo, root, placed, opts.force ?? false);
  return result(placed.map((p) => ({ file: p.file, path: decodeName(under(root, p.rel)) })));
}

/** What is at `p` (followed if a link), or undefined when nothing is, or a part of the path is not a directory. */
function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The directory the files go into and each one's name below it (see `output`). */
function destination(single: boolean, files: readonly OutputFile[], opts: GetOutputsOptions): { root: string; placed: Placed[] } {
  const out = opts.output === undefined ? undefined : path.resolve(opts.cwd, opts.output);
  const isDir = out !== undefined && (opts.output!.endsWith('/') || statOf(out)?.isDirectory() === true);
  if (single && out !== undefined && !isDir) {
    const root = path.dirname(out);
    if (!statOf(root)?.isDirectory()) {
      throw new TmtError('BAD_ARGUMENT', `-o ${opts.output}: ${root} is not a directory`, { hint: 'make the directory first, or write somewhere else' });
    }
    return { root, placed: [{ file: files[0]!, rel: Buffer.from(path.basename(out)) }] };
  }
  const root = out ?? opts.cwd;
  const notADir = new TmtError('BAD_ARGUMENT', `-o ${opts.output}: not a directory`, { hint: 'several files go into a directory: -o DIR' });
  if (statOf(root)?.isDirectory() === false) throw notADir;
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (err) {
    // A part of the path is a file.
    throw ['ENOTDIR', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '') ? notADir : err;
  }
  // One file into a directory goes under its own name; several keep their paths below artifacts/.
  return { root, placed: files.map((file) => ({ file, rel: single ? file.rel.subarray(file.rel.lastIndexOf(0x2f) + 1) : file.rel })) };
}
