import { spawn } from 'node:child_process';
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

/** Runs `git ARGS` and resolves with its output; rejects on unexpected exit codes. */
export function git(args: readonly string[], opts: GitRunOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: { ...process.env, ...QUIET_ENV, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
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
    child.stdin.on('error', () => {
      /* git may exit before reading all input; its exit code tells the story */
    });
    child.on('close', (code) => {
      if (opts.signal?.aborted) return; // already rejected by the 'error' handler
      const result = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) resolve(result);
      else reject(new GitCommandError(args, result));
    });
    child.stdin.end(opts.input);
  });
}

/** A git process that exited with an unexpected code; `stderr` is kept for classification. */
export class GitCommandError extends TmtError {
  readonly args: readonly string[];
  readonly stderr: string;
  readonly exitCode: number;

  constructor(args: readonly string[], result: GitResult) {
    const first = firstMeaningfulLine(result.stderr) ?? `exited with code ${result.code}`;
    super('GIT_FAILED', `git ${args[0] ?? ''}: ${first}`, { data: { args, exitCode: result.code } });
    this.args = args;
    this.stderr = result.stderr;
    this.exitCode = result.code;
  }
}

function firstMeaningfulLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'))?.replace(/^(fatal|error):\s*/, '') ?? lines[0];
}

/** stdout as text without the trailing newline. */
export async function gitText(args: readonly string[], opts: GitRunOptions): Promise<string> {
  const { stdout } = await git(args, opts);
  return stdout.toString('utf8').replace(/\n$/, '');
}
