/**
 * How a command is declared: its name, help, operand and flags (flags.ts) as
 * data, and a `run` that maps what was parsed onto the options of its action,
 * which it imports lazily, so `tmt --help` loads no command's work. `command`
 * and `group` turn a declaration into commander calls.
 */
import { Command, Option } from 'commander';
import type { Context } from './context.js';
import type { Flag, Flags, FlagsOf } from './flags.js';

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
  readonly aliases: readonly string[];
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
export function command<F extends Flags, A = undefined>(d: Declaration<F, A>): CommandSpec & { readonly flags: F; readonly operand?: Operand<A> } {
  return {
    name: d.name,
    aliases: d.aliases ?? [],
    flags: d.flags,
    operand: d.operand,
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
export function group(d: { name: string; description: string; help?: string; commands: readonly CommandSpec[] }): CommandSpec & { readonly commands: readonly CommandSpec[] } {
  return {
    name: d.name,
    aliases: [],
    commands: d.commands,
    register(parent, ctx, exit) {
      const cmd = parent.command(d.name).description(d.description);
      if (d.help !== undefined) cmd.addHelpText('after', d.help);
      for (const c of d.commands) c.register(cmd, ctx, exit);
      return cmd;
    },
  };
}
