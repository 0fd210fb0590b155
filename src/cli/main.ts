/**
 * The CLI's entry: builds the terminal context once, registers the commands
 * (commands/index.ts), runs the one argv names, and turns what went wrong
 * into one line, a hint and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { isTmtError } from '../errors.js';
import { specsFor } from './commands/index.js';
import { terminalOf, type Context } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { processOutput, type Output } from './output.js';

const VERSION = '0.1.0';

/**
 * Parses argv and runs one command. Returns the exit code instead of exiting,
 * so output flushes and tests can call it in-process.
 */
export async function main(argv: readonly string[], ctx: Context = processContext(argv)): Promise<number> {
  let code: number = EXIT.OK;
  const program = new Command('tmt')
    .enablePositionalOptions()
    .description('That Metric Timeline: git-native experiment tracking')
    .version(ctx.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out.out, writeErr: ctx.out.err });
  try {
    for (const spec of await specsFor(argv)) spec.register(program, ctx, (c) => (code = c));
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, ctx.out);
  }
}

/** The context of this process: its terminal, found once, and the output that writes to it. */
function processContext(argv: readonly string[]): Context {
  const term = terminalOf(process);
  return { term, out: processOutput(term.color), cwd: () => process.cwd(), argv, version: VERSION };
}

/** File-system failures a user can fix: permissions, read-only or full disks. */
function describeIoError(err: unknown): { message: string; hint: string } | undefined {
  const e = err as NodeJS.ErrnoException;
  const what: Record<string, [string, string]> = {
    EACCES: ['permission denied', 'check that you can write to the repository (including .git)'],
    EPERM: ['operation not permitted', 'check that you can write to the repository (including .git)'],
    EROFS: ['read-only file system', 'tmt writes runs into .git; run it where the repository is writable'],
    ENOSPC: ['no space left on device', 'free some disk space and run the command again'],
    EDQUOT: ['disk quota exceeded', 'free some space and run the command again'],
  };
  const known = e && typeof e.code === 'string' ? what[e.code] : undefined;
  if (!known) return undefined;
  return { message: `${e.syscall ?? 'file operation'} ${e.path ?? ''}: ${known[0]}`.replace(/ :/, ':'), hint: known[1] };
}

function reportError(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // commander already printed the message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
    // Help shown because a subcommand is missing (`tmt`, `tmt log`) is a usage error, as git's is.
    if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    return EXIT.USAGE;
  }
  if (isTmtError(err)) {
    // Messages and hints name runs, refs and what a remote said; out.err spells their control characters out.
    out.err(`error: ${err.message}\n`);
    if (err.hint) out.err(`hint: ${err.hint}\n`);
    return exitCodeFor(err.code);
  }
  // process.cwd() throws this when the directory tmt was started in has been deleted.
  if ((err as NodeJS.ErrnoException | undefined)?.syscall === 'uv_cwd') {
    out.err('error: the current directory no longer exists\nhint: cd to a directory that exists and run tmt again\n');
    return EXIT.ENVIRONMENT;
  }
  const io = describeIoError(err);
  if (io) {
    out.err(`error: ${io.message}\nhint: ${io.hint}\n`);
    return EXIT.GIT;
  }
  out.err(`tmt: internal error (this is a bug; please report it)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.BUG;
}
