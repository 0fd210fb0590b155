/**
 * How a command is declared: its name, help, operand and flags as data, and a
 * `run` that maps what was parsed onto the options of its action (which it
 * imports lazily, so `tmt --help` loads no command's work). A flag's type
 * follows from its declaration (`FlagsOf`), so it is written once, and every
 * flag is read back normalised before `run`: a switch is a boolean, a
 * repeatable flag a list, --format one of the formats the command offers.
 */
import { Command, Option } from 'commander';
import { TmtError } from '../errors.js';
import type { Context } from './context.js';

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
  return { flags, description, read: (v) => (negated ? v === false : v === true) };
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

/** A repeatable flag: every value given, in order. */
export function list(flags: string, description: string): Flag<string[]> {
  return { flags, description, default: [], parse: (v, previous) => [...(previous as string[]), v], read: (v) => v as string[] };
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
export function formatFlags<F extends string>(offered: readonly F[], json: string): { format: Flag<F>; json: Flag<boolean> } {
  const names = `${offered.slice(0, -1).join(', ')} or ${offered[offered.length - 1]}`;
  return {
    format: { flags: '-f, --format <format>', description: names, default: offered[0], read: (v, all) => (all.json === true ? checkChoice('json', offered) : checkChoice(v as string, offered)) },
    json: bool('--json', json),
  };
}

/** `format` if the command offers it; anything else is a usage error naming what it offers. */
function checkChoice<F extends string>(format: string, offered: readonly F[]): F {
  if ((offered as readonly string[]).includes(format)) return format as F;
  throw new TmtError('BAD_ARGUMENT', `--format: unknown format "${format}"`, { hint: `one of ${offered.join(', ')}` });
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

/**
 * The operand a command takes: `<run>` is a string, `[run]` may be missing,
 * `[run...]` is a list, and so is `<run> [artifact...]` (several operands,
 * one description each, handed over as one list).
 */
export interface Operand<T> {
  readonly name: string;
  readonly description?: string | readonly string[];
  readonly default?: string;
  /** Phantom: the operand's type. */
  readonly type?: T;
}

type OperandOf<N extends string, D> = N extends `${string}...${string}` ? string[] : N extends `<${string}` ? string : D extends string ? string : string | undefined;

export function operand<const N extends string, const D extends string | undefined = undefined>(name: N, description?: string | readonly string[], fallback?: D): Operand<OperandOf<N, D>> {
  return { name, description, default: fallback };
}

/** What `run` receives: the flags read, the operand, and how many operands followed `--` (undefined: there was no `--`). */
export interface Parsed<F extends Flags, A> {
  flags: FlagsOf<F>;
  operands: A;
  dashDash?: number;
}

/** A command (or a group of them) as the registry lists it. */
export interface CommandSpec {
  readonly name: string;
  /** Adds the command to `parent`; `exit` takes the code its run returns. */
  register(parent: Command, ctx: Context, exit: (code: number) => void): Command;
}

export interface Declaration<F extends Flags, A> {
  name: string;
  aliases?: readonly string[];
  description: string;
  /** The usage line, when commander's own would mislead (paths after `--`, a command to run). */
  usage?: string;
  operand?: Operand<A>;
  flags: F;
  /** Flags after the operand belong to it (`tmt record -- cmd --flag`). */
  passThrough?: boolean;
  /** Help shown after the flags: notes, then examples. */
  help?: string;
  run(parsed: Parsed<F, A>, ctx: Context): Promise<number>;
}

/** A command from its declaration. */
export function command<F extends Flags, A = undefined>(d: Declaration<F, A>): CommandSpec & { readonly flags: F } {
  return {
    name: d.name,
    flags: d.flags,
    register(parent, ctx, exit) {
      const cmd = parent.command(d.name);
      for (const alias of d.aliases ?? []) cmd.alias(alias);
      cmd.description(d.description);
      if (d.usage !== undefined) cmd.usage(d.usage);
      const names = d.operand?.name.split(' ') ?? [];
      names.forEach((name, i) => cmd.argument(name, [d.operand!.description ?? []].flat()[i], i === 0 ? d.operand!.default : undefined));
      const options = Object.entries(d.flags).map(([key, flag]) => [key, flag, declare(cmd, flag)] as const);
      if (d.passThrough) cmd.passThroughOptions();
      if (d.help !== undefined) cmd.addHelpText('after', d.help);
      cmd.action(async () => {
        const all = cmd.opts();
        const flags = Object.fromEntries(options.map(([key, flag, option]) => [key, flag.read(all[option.attributeName()], all)])) as FlagsOf<F>;
        const operands = (names.length > 1 ? cmd.processedArgs.flat().filter((a) => a !== undefined) : cmd.processedArgs[0]) as A;
        exit(await d.run({ flags, operands, dashDash: dashDash(ctx.argv, d.name) }, ctx));
      });
      return cmd;
    },
  };
}

function declare(cmd: Command, flag: Flag<unknown>): Option {
  const option = new Option(flag.flags, flag.description);
  if (flag.default !== undefined) option.default(flag.default);
  if (flag.parse) option.argParser(flag.parse);
  if (flag.required) option.makeOptionMandatory();
  cmd.addOption(option);
  return option;
}

/** Commander hands over the operands before and after `--` as one list: count what followed it on the command line. */
function dashDash(argv: readonly string[], name: string): number | undefined {
  const at = argv.indexOf(name);
  const dd = argv.indexOf('--', at + 1);
  return dd < 0 ? undefined : argv.length - dd - 1;
}

/** Operands before `--`, and those after it (paths, for diff and compare). */
export function splitAtDashDash(operands: readonly string[], after = 0): { before: string[]; after: string[] } {
  return { before: operands.slice(0, operands.length - after), after: operands.slice(operands.length - after) };
}

/** A command that only holds others (`tmt log metric`, `tmt remote setup`). */
export function group(d: { name: string; description: string; help?: string; commands: readonly CommandSpec[] }): CommandSpec {
  return {
    name: d.name,
    register(parent, ctx, exit) {
      const cmd = parent.command(d.name).description(d.description);
      if (d.help !== undefined) cmd.addHelpText('after', d.help);
      for (const c of d.commands) c.register(cmd, ctx, exit);
      return cmd;
    },
  };
}
