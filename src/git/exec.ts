import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { TmtError } from '../errors.js';

export interface GitRunOptions {
  cwd: string;
  /** Extra environment, merged over process.env. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Exit codes that are answers, not failures (e.g. 1 for `check-ignore`). */
  okCodes?: readonly number[];
  /** Aborting kills the process (SIGTERM) and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Sees stderr as it arrives (git's progress for long transfers); it is still collected. */
  onStderr?: (chunk: Buffer) => void;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/**
 * Environment that keeps git from prompting or paging inside tmt. User config
 * is left alone on purpose: ignore rules, filters and identity come from it.
 */
const QUIET_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' };

/**
 * Config for one git process through GIT_CONFIG_COUNT/KEY/VALUE (a value may
 * hold '=' or anything else), appended to any such config already in `base`.
 */
export function configEnv(pairs: Record<string, string>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const start = Number(base.GIT_CONFIG_COUNT) || 0;
  const env: Record<string, string> = {};
  const entries = Object.entries(pairs);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${start + i}`] = key;
    env[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(start + entries.length);
  return env;
}

/** Runs `git ARGS` and resolves with its output; rejects on unexpected exit codes. */
export async function git(args: readonly string[], opts: GitRunOptions): Promise<GitResult> {
  const out: Buffer[] = [];
  const { stderr, code } = await gitStream(args, opts, (b) => out.push(b));
  return { stdout: Buffer.concat(out), stderr, code };
}

/**
 * Like `git()`, but hands stdout to `onData` chunk by chunk as git writes it,
 * so a reader can work while git is still producing (and memory stays bounded),
 * or sends it straight to an open file (`{ fd }`).
 */
export function gitStream(args: readonly string[], opts: GitRunOptions, stdout: ((chunk: Buffer) => void) | { fd: number }): Promise<Omit<GitResult, 'stdout'>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: { ...process.env, ...QUIET_ENV, ...opts.env },
      stdio: ['pipe', typeof stdout === 'function' ? 'pipe' : stdout.fd, 'pipe'],
      signal: opts.signal,
    });
    const err: Buffer[] = [];
    let failed: unknown;
    const onData = typeof stdout === 'function' ? stdout : undefined;
    child.stdout?.on('data', (b: Buffer) => {
      if (failed !== undefined) return;
      try {
        onData!(b);
      } catch (e) {
        failed = e; // the reader gave up: stop git and report the reader's error
        child.kill();
      }
    });
    child.stderr!.on('data', (b: Buffer) => {
      err.push(b);
      opts.onStderr?.(b);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(e);
      else if (e.code === 'ENOENT') {
        reject(new TmtError('GIT_MISSING', 'git is not installed or not on PATH', {
          hint: 'install git 2.30 or newer (tmt uses it as its storage engine)',
          cause: e,
        }));
      } else reject(e);
    });
    child.stdin!.on('error', () => {
      /* git may exit before reading all input; its exit code tells the story */
    });
    child.on('close', (code) => {
      if (opts.signal?.aborted) return; // already rejected by the 'error' handler
      if (failed !== undefined) return reject(failed);
      const result = { stdout: Buffer.alloc(0), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) resolve({ stderr: result.stderr, code: result.code });
      else reject(new GitCommandError(args, result));
    });
    child.stdin!.end(opts.input);
  });
}

/** A git process that exited with an unexpected code; `stderr` is kept for classification. */
export class GitCommandError extends TmtError {
  readonly args: readonly string[];
  readonly stderr: string;
  readonly exitCode: number;

  constructor(args: readonly string[], result: GitResult) {
    const first = firstMeaningfulLine(result.stderr) ?? `exited with code ${result.code}`;
    super('GIT_FAILED', `git ${subcommand(args)}: ${first}`, { data: { args, exitCode: result.code } });
    this.args = args;
    this.stderr = result.stderr;
    this.exitCode = result.code;
  }
}

/** The git command's name, past any `-c key=value` options. */
function subcommand(args: readonly string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? '';
}

function firstMeaningfulLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'))?.replace(/^(fatal|error):\s*/, '') ?? lines[0];
}

/** A git process whose stdout is read as a stream (diffs too large to buffer, output for a pager). */
export interface GitPipe {
  stdout: Readable;
  /**
   * Settles when git exits: rejects on unexpected exit codes, like `git()`. A reader
   * that stopped early is not a failure, nor is a Ctrl-C (`signal` says so).
   */
  done: Promise<{ code: number; stderr: string; signal: NodeJS.Signals | null }>;
  /** Stops git (the reader went away). */
  kill(): void;
}

/** Runs `git ARGS` with stdout left to the caller as a stream (and `input`, if any, on stdin); stderr is kept for errors. */
export function gitPipe(args: readonly string[], opts: GitRunOptions): GitPipe {
  const child = spawn('git', args, { cwd: opts.cwd, env: { ...process.env, ...QUIET_ENV, ...opts.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  if (child.stdin) {
    child.stdin.on('error', () => undefined); // git may exit before reading all input; its exit code tells
    child.stdin.end(opts.input);
  }
  let killed = false;
  const done = new Promise<{ code: number; stderr: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new TmtError('GIT_MISSING', 'git is not installed or not on PATH', { hint: 'install git 2.30 or newer', cause: e }) : e),
    );
    child.on('close', (code, signal) => {
      const result = { stdout: Buffer.alloc(0), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      // SIGPIPE/SIGTERM after the reader left (a pager quit, `| head`) is how a pipeline ends, not an error; SIGINT is the user's Ctrl-C.
      const ended = (killed && signal) || signal === 'SIGPIPE' || signal === 'SIGINT';
      if (code === 0 || (code !== null && opts.okCodes?.includes(code)) || ended) resolve({ stderr: result.stderr, code: result.code, signal });
      else reject(new GitCommandError(args, result));
    });
  });
  return {
    stdout: child.stdout!,
    done,
    kill: () => {
      killed = true;
      child.kill();
    },
  };
}

/** stdout as text without the trailing newline. */
export async function gitText(args: readonly string[], opts: GitRunOptions): Promise<string> {
  const { stdout } = await git(args, opts);
  return stdout.toString('utf8').replace(/\n$/, '');
}
