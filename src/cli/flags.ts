/**
 * A command's flags as data: how commander declares each, and how its parsed
 * value is read back normalised (a switch is a boolean, a repeatable flag a
 * list, --format one of the formats the command offers). A command's flags'
 * type follows from its declaration (`FlagsOf`), so it is written once.
 */
import { TmtError } from '../errors.js';
import type { Format } from './render/formats.js';

/** One flag: how commander declares it, and how its parsed value is read. */
export interface Flag<T> {
  readonly flags: string;
  readonly description: string;
  readonly default?: unknown;
  readonly required?: boolean;
  readonly parse?: (value: string, previous: unknown) => unknown;
  /** The value a command receives; `all` holds every flag's value as commander parsed it, keyed by its attribute name. */
  readonly read: (raw: unknown, all: Readonly<Record<string, unknown>>) => T;
}

export type Flags = Readonly<Record<string, Flag<unknown>>>;
export type FlagsOf<F extends Flags> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** A switch (`--json`, `--no-cache`): true when given. */
export function bool(flags: string, description: string): Flag<boolean> {
  const negated = /(^|[ ,|])--no-/.test(flags);
  if (!negated) return { flags, description, read: (v) => v === true };
  // `--no-x` shares its value with a list `--x` (commander stores both under `x`) and overwrites it: a list given
  // before is the contradiction, caught here because the value read later no longer shows it.
  const name = longName(flags);
  return {
    flags,
    description,
    parse: (_v, previous) => {
      if (Array.isArray(previous) && previous.length > 0) throw contradiction(`--${name.slice('--no-'.length)}`, name);
      return false;
    },
    read: (v) => v === false,
  };
}

/** A flag that takes a value; undefined when not given. */
export function text(flags: string, description: string): Flag<string | undefined> {
  return { flags, description, read: (v) => v as string | undefined };
}

/** A flag that takes a value, with a default that help shows. */
export function textOr(flags: string, description: string, fallback: string): Flag<string> {
  return { flags, description, default: fallback, read: (v) => v as string };
}

/** A flag that must be given. */
export function required(flags: string, description: string): Flag<string> {
  return { flags, description, required: true, read: (v) => v as string };
}

/** A flag whose value may be left out (`--remote [remote]`): true when given bare. */
export function optionalValue(flags: string, description: string): Flag<string | true | undefined> {
  return { flags, description, read: (v) => v as string | true | undefined };
}

/**
 * A repeatable flag: every value given, in order. A `--no-x` beside it shares
 * its value (see bool): false there means that one came first, a contradiction.
 */
export function list(flags: string, description: string): Flag<string[]> {
  const name = longName(flags);
  return {
    flags,
    description,
    default: [],
    parse: (v, previous) => {
      if (previous === false) throw contradiction(name, `--no-${name.slice(2)}`);
      return [...(Array.isArray(previous) ? (previous as string[]) : []), v];
    },
    read: (v) => (Array.isArray(v) ? (v as string[]) : []),
  };
}

/** A whole number of 1 or more, checked as it is parsed. */
export function count(flags: string, description: string): Flag<number | undefined> {
  const name = longName(flags);
  return { flags, description, parse: (v) => positiveInt(v, name), read: (v) => v as number | undefined };
}

/**
 * `-f, --format` with the formats a command offers, and `--json` for
 * `--format json`: the one place a command's formats are checked, so an
 * unknown one is a usage error that names them, in every command alike.
 */
export function formatFlags<F extends Format>(offered: readonly F[], json: string): { format: Flag<F>; json: Flag<boolean> } {
  const names = `${offered.slice(0, -1).join(', ')} or ${offered[offered.length - 1]}`;
  return {
    format: { flags: '-f, --format <format>', description: names, default: offered[0], read: (v, all) => checkFormat(all.json === true ? 'json' : (v as string), offered) },
    json: bool('--json', json),
  };
}

/** `format` if the command offers it; anything else is a usage error naming what it offers. */
function checkFormat<F extends Format>(format: string, offered: readonly F[]): F {
  if ((offered as readonly string[]).includes(format)) return format as F;
  throw new TmtError('BAD_ARGUMENT', `--format: unknown format "${format}"`, { hint: `one of ${offered.join(', ')}` });
}

function contradiction(flag: string, negation: string): TmtError {
  return new TmtError('BAD_ARGUMENT', `${flag} and ${negation} contradict each other`, { hint: `give ${flag} or ${negation}, not both` });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new TmtError('BAD_ARGUMENT', `${flag}: expected a whole number of 1 or more, got "${value}"`, { hint: `${flag} 20` });
  }
  return n;
}

function longName(flags: string): string {
  return flags.split(/[ ,|]+/).find((w) => w.startsWith('--'))!;
}

/** Every spelling of a command's flags (`-n`, `--name`, `--no-cache`, ...). */
export function flagNames(flags: Flags): string[] {
  return Object.values(flags).flatMap((f) => f.flags.split(/[ ,|]+/).filter((w) => w.startsWith('-')));
}
