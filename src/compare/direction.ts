/**
 * Which way is better for each metric. In order: --higher-is-better /
 * --lower-is-better on the command line, then `git config
 * tmt.metric.<name>.direction higher|lower` (repository or global config),
 * then the name (loss-like lower, score-like higher). A metric none of these
 * speak for is `unknown`: shown plainly, never judged; its `direction` is only
 * what a ranking that is asked for outright (`tmt best --metric lr`) uses.
 */
import { TmtError } from '../errors.js';
import { configEntries } from '../git/config.js';
import type { Repo } from '../git/repo.js';
import { nameDirection, type Direction } from '../query/direction-names.js';

export interface DirectionChoice {
  direction: Direction;
  /** `default`: the name says (loss-like or score-like); `unknown`: nothing does, and `direction` is higher only for want of another. */
  source: 'flag' | 'config' | 'default' | 'unknown';
}

/** Whether values of a metric can be called better or worse. */
export function judged(d: Pick<DirectionChoice, 'source'>): boolean {
  return d.source !== 'unknown';
}

/**
 * What a ranking the user asked for outright (`tmt best --metric lr`) should
 * say when it had to assume a direction; undefined when it did not.
 */
export function assumedDirectionWarning(metric: string, d: DirectionChoice): string | undefined {
  if (judged(d)) return undefined;
  return `no direction known for ${metric} (its name is neither loss- nor score-like): ranked higher-is-better; --min, or git config tmt.metric.${metric}.direction lower, says otherwise`;
}

/** The choice for a metric nothing speaks for. */
export const UNKNOWN_DIRECTION: DirectionChoice = { direction: 'max', source: 'unknown' };

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
    else {
      const byName = nameDirection(name);
      directions.set(name, byName ? { direction: byName, source: 'default' } : UNKNOWN_DIRECTION);
    }
  }
  return { directions, warnings };
}
