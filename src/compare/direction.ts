/**
 * Which way is better for each metric. In order: --higher-is-better /
 * --lower-is-better on the command line, then `git config
 * tmt.metric.<name>.direction higher|lower` (repository or global config),
 * then the built-in default (loss-like names lower, everything else higher).
 */
import { TmtError } from '../errors.js';
import { configEntries } from '../git/config.js';
import type { Repo } from '../git/repo.js';
import { defaultDirection, type Direction } from '../query/best.js';

export interface DirectionChoice {
  direction: Direction;
  source: 'flag' | 'config' | 'default';
}

export interface DirectionFlags {
  higher: readonly string[];
  lower: readonly string[];
}

const WORDS: Record<string, Direction> = { higher: 'max', max: 'max', lower: 'min', min: 'min' };

/** Directions for `names`; bad config values are reported in `warnings` and fall back to the default. */
export async function metricDirections(repo: Repo, names: readonly string[], flags: DirectionFlags): Promise<{ directions: Map<string, DirectionChoice>; warnings: string[] }> {
  const strip = (m: string) => m.replace(/^metrics\./, '');
  const higher = new Set(flags.higher.map(strip));
  const lower = new Set(flags.lower.map(strip));
  for (const m of higher) {
    if (lower.has(m)) throw new TmtError('BAD_ARGUMENT', `metric "${m}" is given as both higher- and lower-is-better`, { hint: 'pick one of --higher-is-better and --lower-is-better for it' });
  }
  const warnings: string[] = [];
  const configured = new Map<string, Direction>();
  for (const [key, value] of await configEntries(repo, '^tmt\\.metric\\..*\\.direction$')) {
    const name = key.slice('tmt.metric.'.length, -'.direction'.length);
    const dir = WORDS[value.trim().toLowerCase()];
    if (dir) configured.set(name, dir);
    else warnings.push(`git config ${key}: expected higher or lower, got "${value}"; using the default`);
  }
  const directions = new Map<string, DirectionChoice>();
  for (const name of names) {
    if (higher.has(name) || lower.has(name)) directions.set(name, { direction: higher.has(name) ? 'max' : 'min', source: 'flag' });
    else if (configured.has(name)) directions.set(name, { direction: configured.get(name)!, source: 'config' });
    else directions.set(name, { direction: defaultDirection(name), source: 'default' });
  }
  return { directions, warnings };
}
