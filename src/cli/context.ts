/**
 * What a command knows of where it runs. main.ts finds it once (is each
 * stream a terminal, how wide, colour, paging, the environment) and hands it
 * to every command; no other module asks a stream whether it is a TTY.
 */
import type { Output } from './output.js';

export interface Terminal {
  /** stdout is a terminal: tables fit `width`, diffs may page, pages may open in a browser. */
  readonly stdout: boolean;
  /** stderr is a terminal: progress is git's own meters rather than lines. */
  readonly stderr: boolean;
  /** stdin is a terminal: someone can answer a question, and Ctrl-C reaches the whole process group. */
  readonly stdin: boolean;
  /** The width to fit tables to, on a terminal only (a pipe gets whole lines). */
  readonly width?: number;
  /** tmt's own colours: on a terminal, unless NO_COLOR is set or TERM is dumb. */
  readonly color: boolean;
  /** Output may go through a pager (stdout is a terminal); which pager is git's choice (pager.diff, GIT_PAGER, ...). */
  readonly paging: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** Everything a command receives besides its own flags and operands. */
export interface Context {
  readonly out: Output;
  readonly term: Terminal;
  /** The working directory, read when a command runs: in a deleted directory it throws, and only commands that need it fail. */
  cwd(): string;
  /** The command line as given, for what commander does not keep (where `--` stood). */
  readonly argv: readonly string[];
  readonly version: string;
}

/**
 * The terminal facts of a process. COLUMNS, when set, wins over the
 * terminal's own size, as ls and git let it; a pty with no size says 0.
 */
export function terminalOf(proc: Pick<NodeJS.Process, 'stdout' | 'stderr' | 'stdin' | 'env'>): Terminal {
  const stdout = !!proc.stdout.isTTY;
  const columns = Number(proc.env.COLUMNS);
  const width = !stdout ? undefined : Number.isInteger(columns) && columns > 0 ? columns : proc.stdout.columns || undefined;
  return {
    stdout,
    stderr: !!proc.stderr.isTTY,
    stdin: !!proc.stdin.isTTY,
    width,
    color: stdout && !('NO_COLOR' in proc.env) && proc.env.TERM !== 'dumb',
    paging: stdout,
    env: proc.env,
  };
}
