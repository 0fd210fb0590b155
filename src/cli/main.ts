import { Command, CommanderError, Option } from 'commander';
import { isTmtError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { processOutput, type Output } from './output.js';

const VERSION = '0.1.0';

/**
 * Parses argv and runs one command. Returns the exit code instead of exiting,
 * so output flushes and tests can call it in-process.
 */
export async function main(argv: readonly string[], out: Output = processOutput()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(out, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, out);
  }
}

function buildProgram(out: Output, setCode: (c: number) => void): Command {
  const program = new Command('tmt')
    .description('That Metric Timeline: git-native experiment tracking')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: out.out, writeErr: out.err });

  program
    .command('snapshot')
    .description('write the working tree as a git tree object and print its id (like `git write-tree`)')
    .option('--json', 'print a JSON object with the file count, skipped files and timing')
    .option('--no-cache', 'ignore the stat cache and hash every file')
    .addOption(new Option('--max-file-size <size>', 'leave out files larger than this (e.g. 100M, 2G; 0 = no cap)').default('100M'))
    .addHelpText(
      'after',
      `
Examples:
  $ tmt snapshot                 # tree id of tracked + untracked, non-ignored files
  $ tmt snapshot --json          # with file count, skipped files and timing
  $ git ls-tree -r $(tmt snapshot)`,
    )
    .action(async (opts: { json?: boolean; cache: boolean; maxFileSize: string }) => {
      const { snapshotCommand } = await import('./commands/snapshot.js');
      setCode(await snapshotCommand({ cwd: process.cwd(), json: !!opts.json, noCache: !opts.cache, maxFileSize: opts.maxFileSize }, out));
    });

  program
    .command('save')
    .description('record the current working tree as a finished run, without running a command')
    .option('-n, --name <name>', 'run name')
    .option('-d, --description <text>', 'free-text description')
    .option('-t, --tag <tag>', 'tag (repeatable)', collect, [])
    .option('-p, --param <key=value>', 'param (repeatable); numbers stay numbers', collect, [])
    .option('-m, --metric <key=value>', 'final metric value (repeatable)', collect, [])
    .option('--json', 'print the run as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tmt save -n baseline -p lr=0.01 -m acc=0.91
  $ tmt save -t notebook -d "numbers from the cluster job"`,
    )
    .action(async (opts: { name?: string; description?: string; tag: string[]; param: string[]; metric: string[]; json?: boolean }) => {
      const { saveCommand } = await import('./commands/save.js');
      setCode(await saveCommand({ cwd: process.cwd(), ...opts, json: !!opts.json }, out));
    });

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function reportError(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // commander already printed the message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE;
  }
  if (isTmtError(err)) {
    out.err(`error: ${err.message}\n`);
    if (err.hint) out.err(`hint: ${err.hint}\n`);
    return exitCodeFor(err.code);
  }
  out.err(`tmt: internal error (this is a bug; please report it)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.BUG;
}
