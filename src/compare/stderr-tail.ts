/**
 * The end of a failed run's stderr, for the page: where the traceback
 * usually is, so a reader sees why a run failed without `tmt show`. Bounded
 * whatever the log's size, and shown as the terminal last showed it:
 * colours dropped, a progress bar redrawn with carriage returns kept at its
 * last state.
 */
import { readBlobTail } from '../git/blob-stream.js';
import type { Repo } from '../git/repo.js';
import { displayStatus } from '../run/note/status.js';
import type { ResolvedRun } from './compared-runs.js';

export interface StderrTail {
  /** The last lines, oldest first. */
  lines: string[];
  /** The whole log's size in bytes. */
  bytes: number;
  /** Whether the log holds more than these lines. */
  earlier: boolean;
}

export const STDERR_TAIL = { bytes: 64 * 1024, lines: 40, lineChars: 2000 };

/** Run id → the tail of its stderr, for the failed runs among `runs` that logged any. */
export async function readStderrTails(repo: Repo, runs: readonly ResolvedRun[], limits = STDERR_TAIL): Promise<Map<string, StderrTail>> {
  const out = new Map<string, StderrTail>();
  // One after another: a comparison has few failed runs, and each read is one short git process.
  for (const run of runs) {
    if (displayStatus(run.meta) !== 'failed' || !run.meta.outputs) continue;
    const blob = await readBlobTail(repo, run.meta.outputs, 'logs/stderr', limits.bytes);
    if (!blob || blob.size === 0) continue;
    const tail = tailLines(blob.tail, blob.size > blob.tail.length, limits);
    if (tail.lines.length) out.set(run.id, { ...tail, bytes: blob.size });
  }
  return out;
}

/** The last lines of `bytes`; `cut`: the bytes start mid-log, so their first line is partial and dropped. */
export function tailLines(bytes: Buffer, cut: boolean, limits = STDERR_TAIL): { lines: string[]; earlier: boolean } {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (cut) lines.shift();
  const shown = lines.slice(-limits.lines).map((l) => asShown(l, limits.lineChars));
  return { lines: shown, earlier: cut || lines.length > limits.lines };
}

// CSI (colours, cursor moves) and OSC (titles, links) sequences: how a terminal is told, not what it shows.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]/g;

function asShown(line: string, max: number): string {
  // A carriage return redraws the line: what stays is the last drawing (a CRLF line end is just an end).
  const drawn = line.replace(/\r+$/, '').split('\r').at(-1)!.replace(ESCAPES, '');
  return drawn.length > max ? `${drawn.slice(0, max)}…` : drawn;
}
