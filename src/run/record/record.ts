/**
 * `tmt record`: snapshot the code, create the run as `running`, run the
 * command with its output passed through live and captured, then publish
 * logs, metrics and artifacts and the final status. The snapshot is taken
 * before the command starts, so the run records the code that produced the
 * results, not what was edited during a long run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { TmtError } from '../../errors.js';
import type { Repo } from '../../git/repo.js';
import type { SnapshotResult } from '../../git/snapshot.js';
import { systemClock, type Clock } from '../note/id.js';
import { createRun, type KnownCode } from './create.js';
import { finishRun } from './finish.js';
import { lfsSettings } from '../../git/lfs.js';
import { thresholdOf } from '../outputs/large-files.js';
import type { RunMeta, RunStatus, SweepTrialRef } from '../note/metadata.js';
import { shellQuote } from '../../util/shell-quote.js';
import { checkEnvNames } from '../note/name-rules.js';
import { runDir, writeCommandPid, writeFailure, type RunDir } from './run-dir.js';
import { isOutOfSpace } from '../../util/out-of-space.js';
import { Tee } from './tee.js';

export interface RecordOptions {
  repo: Repo;
  argv: string[];
  cwd: string;
  name?: string;
  description?: string;
  tags?: string[];
  params?: Record<string, unknown>;
  /** Environment variables to capture on purpose (none by default: they hold secrets). */
  captureEnv?: string[];
  stdout: Writable;
  stderr: Writable;
  /** Where interrupts come from (the CLI passes `process`). */
  signals?: EventEmitter;
  /**
   * Aborted once the run must not go on (a sweep that was interrupted): a
   * command that has not started yet never starts, and the run ends killed.
   * One already running hears of it through `signals`.
   */
  cancelled?: AbortSignal;
  /** Aborting kills the command at once (SIGKILL): a second Ctrl-C in a sweep. The run ends as killed. */
  killNow?: AbortSignal;
  /**
   * Run the command as the leader of a process group of its own, without
   * stdin, and send every signal to the whole group: a batch of commands (a
   * sweep) whose interrupts tmt forwards, never the terminal.
   */
  ownGroup?: boolean;
  /** Forward SIGINT to the command. Off on a terminal, which already sends it to the whole group. */
  forwardInterrupt?: boolean;
  /**
   * Run the command on a pseudo-terminal (through util-linux `script`), so that
   * progress bars and colours behave as on the user's terminal. Its stdout and
   * stderr then arrive merged, as on a terminal, and are captured as stdout.
   */
  pty?: boolean;
  clock?: Clock;
  noCache?: boolean;
  maxFileSize?: number;
  /**
   * How to start this tmt (e.g. [node, bin.js]): the command then finds `tmt`
   * on its PATH for `tmt log`, whether or not tmt was installed on the PATH.
   */
  self?: readonly string[];
  /** The code is known (a rerun): recorded as given instead of snapshotting the working tree. */
  code?: KnownCode;
  rerunOf?: string;
  /** The sweep trial this run is. */
  sweep?: SweepTrialRef;
  /** More environment for the command (a sweep worker's CUDA_VISIBLE_DEVICES); `captureEnv` reads it too. */
  env?: Record<string, string>;
  /** Called once the run exists, before the command starts. */
  onStart?: (id: string, snapshot: SnapshotResult) => void;
}

export interface RecordResult {
  id: string;
  commit: string;
  meta: RunMeta;
  /** What tmt should exit with: the command's code, 128+N for signal N, 127 if it could not start. */
  exitCode: number;
  warnings: string[];
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Exit codes `script -e` gives for a command ended by SIGHUP, SIGINT, SIGKILL or SIGTERM. */
const PTY_KILLED = new Set([129, 130, 137, 143]);

export async function recordRun(opts: RecordOptions): Promise<RecordResult> {
  // spawn() throws on these, which would leave a stale run behind: refuse them before it exists.
  const bad = !opts.argv[0] ? 'the command is empty' : opts.argv.some((a) => a.includes('\0')) ? 'an argument holds a NUL byte' : undefined;
  if (bad) throw new TmtError('BAD_ARGUMENT', `cannot record: ${bad}`, { hint: 'tmt record [options] -- <command> [args...], e.g. tmt record -- python train.py' });
  // Read again when the run is saved; a value that is not a size must stop tmt before the command runs, not after.
  thresholdOf(await lfsSettings(opts.repo));
  const clock = opts.clock ?? systemClock;
  const env = captureEnv(opts.captureEnv ?? [], { ...process.env, ...opts.env });
  const created = await createRun({
    repo: opts.repo,
    name: opts.name,
    description: opts.description,
    tags: opts.tags,
    params: opts.params,
    status: 'running',
    command: { argv: opts.argv, cwd: opts.cwd, dir: dirInRepo(opts.repo, opts.cwd) },
    env,
    clock,
    noCache: opts.noCache,
    maxFileSize: opts.maxFileSize,
    code: opts.code,
    rerunOf: opts.rerunOf,
    sweep: opts.sweep,
  });
  const { id, meta } = created;
  const dir = runDir(opts.repo, id); // createRun made it
  // Held open so that what the command wrote survives if it deletes the file.
  const metricsFd = fs.openSync(dir.metrics, 'r');
  opts.onStart?.(id, created.snapshot);

  const outcome = await runCommand(opts, dir, id);
  const status: RunStatus = outcome.startError ? 'failed' : outcome.interrupted || outcome.signal ? 'killed' : outcome.code === 0 ? 'finished' : 'failed';
  const failure = outcome.startError ?? outcome.captureError ?? (outcome.signal ? `killed by ${outcome.signal}` : outcome.notStarted ? 'interrupted before the command started' : undefined);
  let finished;
  try {
    finished = await finishRun({
      repo: opts.repo,
      commit: created.commit,
      meta,
      dir,
      status,
      exitCode: outcome.exitCode,
      failure,
      endedMs: clock.now(),
      metricsFd,
    });
  } catch (err) {
    if (!isOutOfSpace(err)) throw err;
    // Nothing can be published now; the reason goes where space was kept for it, for tmt recover.
    const reason = failure ?? 'tmt could not save the run: no space left on the device';
    writeFailure(dir, { reason, exitCode: outcome.exitCode });
    throw new TmtError('NO_SPACE', `run ${id} could not be saved: no space left on the device${failure ? ` (and it failed: ${failure})` : ''}`, {
      hint: `free some space, then run tmt recover ${id}: it ends the run as failed with this reason and keeps what the command wrote`,
      cause: err,
    });
  }
  return { id, commit: finished.commit, meta: finished.meta, exitCode: outcome.exitCode, warnings: finished.warnings };
}

/** `cwd` relative to the top of the working tree, '/'-separated ('' for the top), as a rerun elsewhere needs it. */
export function dirInRepo(repo: Repo, cwd: string): string | undefined {
  let rel: string;
  try {
    rel = path.relative(fs.realpathSync(repo.workTree), fs.realpathSync(cwd));
  } catch {
    return undefined;
  }
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  exitCode: number;
  interrupted: boolean;
  notStarted?: boolean;
  startError?: string;
  captureError?: string;
}

function runCommand(opts: RecordOptions, dir: RunDir, id: string): Promise<Outcome> {
  // The run exists already; the interrupt came while it was being created, when nothing could hear it.
  if (opts.cancelled?.aborted) return Promise.resolve({ code: null, signal: null, exitCode: 130, interrupted: true, notStarted: true });
  return new Promise((resolve) => {
    const [cmd = '', ...args] = opts.argv;
    const [program, programArgs] = opts.pty ? ['script', ['-qefc', opts.argv.map(shellQuote).join(' '), '/dev/null']] : [cmd, args];
    const child = spawn(program, programArgs, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, ...selfOnPath(opts.self, dir, process.env.PATH), TMT_RUN_ID: id, TMT_METRICS: dir.metrics, TMT_ARTIFACTS: dir.artifacts, TMT_PARAMS: dir.params },
      stdio: [opts.ownGroup ? 'ignore' : 'inherit', 'pipe', 'pipe'],
      detached: !!opts.ownGroup,
    });
    // A signal for the command reaches what it started too (`sh -c "python t.py | tee log"`), when it leads a group of its own.
    const send = (sig: NodeJS.Signals) => {
      try {
        if (opts.ownGroup && child.pid !== undefined) return void process.kill(-child.pid, sig);
      } catch {
        // the group is gone already; the child may not be
      }
      child.kill(sig);
    };
    // If tmt dies, the command may live on: recover and rm ask this pid before touching its directory.
    if (child.pid !== undefined) writeCommandPid(dir, child.pid);
    const out = new Tee(child.stdout, opts.stdout, dir.stdout);
    const err = new Tee(child.stderr, opts.stderr, dir.stderr);
    let interrupted = false;
    const handlers: Array<() => void> = FORWARDED.map((sig) => {
      const handler = () => {
        interrupted = true;
        if (sig !== 'SIGINT' || opts.forwardInterrupt !== false) send(sig);
      };
      opts.signals?.on(sig, handler);
      return () => void opts.signals?.off(sig, handler);
    });
    const kill = () => {
      interrupted = true;
      send('SIGKILL');
    };
    if (opts.killNow?.aborted) kill();
    else opts.killNow?.addEventListener('abort', kill, { once: true });
    handlers.push(() => void opts.killNow?.removeEventListener('abort', kill));
    let startError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      startError = e.code === 'ENOENT' ? `command not found: ${cmd}` : `could not start ${cmd}: ${e.message}`;
    });
    child.on('close', async (code, signal) => {
      await Promise.all([out.finish(), err.finish()]);
      for (const off of handlers) off();
      const captureError = out.captureError ?? err.captureError;
      // Under `script` the shell reports a missing command as exit 127.
      if (opts.pty && code === 127 && !startError) startError = `command not found (or not executable): ${cmd}`;
      resolve({
        code,
        signal,
        startError,
        captureError: captureError && `capturing output failed: ${captureError.message}`,
        exitCode: startError ? 127 : signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1),
        // On a pty, Ctrl-C reaches the command through the terminal; `script` reports it as 128+N.
        interrupted: interrupted || (!!opts.pty && code !== null && PTY_KILLED.has(code)),
      });
    });
  });
}

/** A `tmt` launcher in the run's scratch directory, first on the command's PATH. */
function selfOnPath(self: readonly string[] | undefined, dir: RunDir, pathVar: string | undefined): { PATH?: string } {
  if (!self?.length) return {};
  const bin = path.join(dir.root, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'tmt'), `#!/bin/sh\nexec ${self.map(shellQuote).join(' ')} "$@"\n`, { mode: 0o755 });
  return { PATH: pathVar ? `${bin}${path.delimiter}${pathVar}` : bin };
}

function captureEnv(names: readonly string[], from: NodeJS.ProcessEnv): Record<string, string> | undefined {
  checkEnvNames(names);
  if (names.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const n of names) if (from[n] !== undefined) out[n] = from[n]!;
  return out;
}

