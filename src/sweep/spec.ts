/**
 * A sweep spec: a YAML file naming a command and the params to sweep (a grid,
 * random samples, repeats). Everything is checked here, once, before anything
 * runs: a mistake is reported at its line and column, and a sweep that
 * starts is one that can run every trial it lists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { TmtError } from '../errors.js';
import { splitCommand, type CommandTemplate } from './command-line.js';
import { DISTRIBUTIONS, type Distribution } from './random.js';

export type Scalar = string | number | boolean;

export interface SweepSpec {
  /** Tags the trials and finds their runs again. */
  name: string;
  /** The spec file, as given. */
  file: string;
  command: CommandTemplate;
  /** In spec order; the first key changes fastest from one combination to the next. */
  grid: Array<{ key: string; values: Scalar[] }>;
  random?: { n: number; seed: number; params: Array<{ key: string; dist: Distribution }> };
  /** How many times each combination runs; `seeded`: the trials get `seed` = 0..repeat-1 (the spec says repeat and sets no seed itself). */
  repeat: number;
  seeded: boolean;
  /** The metric `--summary` ranks by when none is given. */
  metric?: string;
}

/** A spec bigger than this is not a sweep spec: reading it must cost little whatever the file is. */
const MAX_SPEC_BYTES = 1 << 20;
const MAX_REPEAT = 10_000;
const KEYS = ['name', 'command', 'grid', 'random', 'repeat', 'metric'];
const RANDOM_KEYS = ['n', 'seed', 'params'];
/** A param reaches the command as `--key value`, and a query as params.key: a name both read as one word. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SWEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SPEC_HINT = 'see the README section "Sweeps" for a complete spec';

export function readSpec(file: string, cwd: string): SweepSpec {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    const st = fs.statSync(abs);
    if (!st.isFile()) throw new TmtError('BAD_ARGUMENT', `${shown(file)}: not a file`, { hint: 'name a sweep spec, a YAML file such as sweep.yaml' });
    if (st.size > MAX_SPEC_BYTES) throw new TmtError('BAD_ARGUMENT', `${shown(file)}: ${st.size} bytes is too big for a sweep spec (at most 1 MiB)`, { hint: SPEC_HINT });
    text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(abs));
  } catch (err) {
    if (err instanceof TypeError) throw new TmtError('BAD_ARGUMENT', `${shown(file)}: not UTF-8 text`, { hint: 'a sweep spec is a YAML file in UTF-8' });
    if (err instanceof TmtError) throw err;
    throw new TmtError('BAD_ARGUMENT', `${shown(file)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { hint: 'name a sweep spec, a YAML file such as sweep.yaml' });
  }
  return parseSpec(text, file);
}

/** Parses and checks a spec's text; `file` names it in errors and gives the default name. */
export function parseSpec(text: string, file: string): SweepSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const fail = (node: Node | Pair | undefined, message: string, hint = SPEC_HINT): never => {
    const offset = node && 'range' in node ? node.range?.[0] : node && 'key' in node ? (node.key as Node | null)?.range?.[0] : undefined;
    const pos = offset === undefined ? '' : (({ line, col }) => `:${line}:${col}`)(lines.linePos(offset));
    throw new TmtError('BAD_ARGUMENT', `${shown(file)}${pos}: ${message}`, { hint });
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    const where = yamlError.linePos ? `:${yamlError.linePos[0].line}:${yamlError.linePos[0].col}` : '';
    const what = yamlError.code === 'MULTIPLE_DOCS' ? 'a sweep spec is one YAML document, and this file has several (---)' : yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new TmtError('BAD_ARGUMENT', `${shown(file)}${where}: ${what}`, { hint: 'the spec is not valid YAML' });
  }
  const root = doc.contents;
  if (!isMap(root)) return fail((root as Node | null) ?? undefined, 'a sweep spec is a mapping with command and grid (or random)');
  const top = entries(root, KEYS, fail);

  const nameNode = top.get('name');
  const name = nameNode ? text_(nameNode.value, fail, 'name') : path.basename(file).replace(/\.ya?ml$/i, '');
  if (!SWEEP_NAME.test(name)) {
    fail((nameNode?.value as Node | undefined) ?? undefined, `sweep name ${JSON.stringify(name)}: letters, digits, ., _ and - only, starting with a letter or digit, at most 100`, nameNode ? SPEC_HINT : 'add name: my-sweep to the spec');
  }

  const commandNode = top.get('command');
  if (!commandNode) return fail(root, 'the spec has no command', 'add a line such as command: python3 train.py --epochs 20');
  const command = commandOf(commandNode.value as Node, fail);

  const grid: SweepSpec['grid'] = [];
  const gridNode = top.get('grid');
  if (gridNode) {
    if (!isMap(gridNode.value)) return fail(gridNode.value as Node, 'grid is a mapping of param names to lists of values', 'e.g. grid: {lr: [0.1, 0.01], hidden: [32, 64]}');
    if (gridNode.value.items.length === 0) return fail(gridNode.value, 'the grid is empty', 'give each param a list of values, e.g. lr: [0.1, 0.01]');
    for (const [key, pair] of entries(gridNode.value, undefined, fail)) {
      checkParamName(key, pair, fail);
      const v = pair.value as Node | null;
      const values = isSeq(v) ? v.items.map((item) => scalar(item as Node, fail, `grid ${key}`)) : [scalar(v, fail, `grid ${key}`)];
      if (values.length === 0) return fail(v ?? pair, `grid ${key} is empty`, `give it at least one value, e.g. ${key}: [0.1, 0.01]`);
      const seen = new Set<string>();
      for (const [k, x] of values.entries()) {
        if (seen.has(String(x))) fail(isSeq(v) ? (v.items[k] as Node) : pair, `grid ${key} lists ${String(x)} twice`, 'each value once; repeat: N runs every combination N times');
        seen.add(String(x));
      }
      grid.push({ key, values });
    }
  }

  let random: SweepSpec['random'];
  const randomNode = top.get('random');
  if (randomNode) {
    if (!isMap(randomNode.value)) return fail(randomNode.value as Node, 'random is a mapping with n, seed and params', 'e.g. random: {n: 8, seed: 0, params: {wd: {loguniform: [1.0e-5, 1.0e-2]}}}');
    const r = entries(randomNode.value, RANDOM_KEYS, fail);
    const nNode = r.get('n');
    if (!nNode) return fail(randomNode, 'random has no n (how many samples)', 'e.g. n: 8');
    const n = wholeNumber(nNode.value as Node, fail, 'random n', 1);
    const seed = r.get('seed') ? wholeNumber(r.get('seed')!.value as Node, fail, 'random seed', 0) : 0;
    const paramsNode = r.get('params');
    if (!paramsNode || !isMap(paramsNode.value) || paramsNode.value.items.length === 0) {
      return fail((paramsNode?.value as Node | undefined) ?? randomNode, 'random has no params to sample', 'e.g. params: {wd: {loguniform: [1.0e-5, 1.0e-2]}}');
    }
    const params: Array<{ key: string; dist: Distribution }> = [];
    for (const [key, pair] of entries(paramsNode.value, undefined, fail)) {
      checkParamName(key, pair, fail);
      if (grid.some((g) => g.key === key)) fail(pair, `${key} is in the grid and in random`, 'sweep each param one way');
      params.push({ key, dist: distribution(key, pair.value as Node, fail) });
    }
    random = { n, seed, params };
  }
  if (grid.length === 0 && !random) return fail(root, 'the spec sweeps nothing: it has neither grid nor random', 'add grid: {lr: [0.1, 0.01]} (or random:)');

  const repeatNode = top.get('repeat');
  const repeat = repeatNode ? wholeNumber(repeatNode.value as Node, fail, 'repeat', 1) : 1;
  if (repeat > MAX_REPEAT) fail(repeatNode!.value as Node, `repeat ${repeat} is more than ${MAX_REPEAT}`, 'a smaller repeat');
  const setsSeed = grid.some((g) => g.key === 'seed') || !!random?.params.some((p) => p.key === 'seed');
  const metricNode = top.get('metric');
  const metric = metricNode ? text_(metricNode.value, fail, 'metric').replace(/^metrics\./, '') : undefined;

  const spec: SweepSpec = { name, file, command, grid, random, repeat, seeded: !!repeatNode && !setsSeed, metric };
  checkPlaceholders(spec, (message, hint) => fail(commandNode.value as Node, message, hint));
  return spec;
}

type Fail = (node: Node | Pair | undefined, message: string, hint?: string) => never;

/** A mapping's entries by key; a key outside `known` is an error at its line, naming the keys there are. */
function entries(map: YAMLMap, known: readonly string[] | undefined, fail: Fail): Map<string, Pair> {
  const out = new Map<string, Pair>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' && typeof key !== 'number') return fail(pair, 'a key here must be a plain name');
    const k = String(key);
    if (known && !known.includes(k)) fail(pair, `unknown key "${k}"`, `the keys here are ${known.join(', ')}`);
    out.set(k, pair);
  }
  return out;
}

function text_(node: unknown, fail: Fail, what: string): string {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') return fail(node as Node, `${what} must be a non-empty text`);
  return node.value;
}

function scalar(node: Node | null, fail: Fail, what: string): Scalar {
  if (isAlias(node)) return fail(node, `${what}: aliases (*name) are not read in a sweep spec`, 'write the values out');
  if (!isScalar(node)) return fail(node ?? undefined, `${what}: a value must be a number, a text or true/false, not a list or a mapping`);
  const v = node.value;
  if (typeof v === 'number' && !Number.isFinite(v)) return fail(node, `${what}: ${String(v)} is not a finite number`);
  // An integer literal past 2^53 would reach the command rounded; a float like 1.7e308 is only as exact as floats are.
  if (typeof v === 'number' && !Number.isSafeInteger(v) && /^[-+]?(0x)?[0-9a-f]+$/i.test(String(node.source ?? ''))) return fail(node, `${what}: ${node.source ?? String(v)} is too large to keep exactly`, 'quote it to pass it as text');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    if (typeof v === 'string' && /[\0-\x1f\x7f]/.test(v)) return fail(node, `${what}: a value cannot hold control characters (newlines, tabs)`);
    return v;
  }
  return fail(node, `${what}: a value must be a number, a text or true/false${v === null ? ', not empty' : ''}`);
}

function wholeNumber(node: Node | null, fail: Fail, what: string, min: number): number {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) return fail(node ?? undefined, `${what} must be a whole number of ${min} or more`);
  return v;
}

function checkParamName(key: string, pair: Pair, fail: Fail): void {
  if (!PARAM_NAME.test(key)) {
    fail(pair, `param name "${key}" cannot be a command-line flag (--${key})`, 'letters, digits, _ and -, starting with a letter or _');
  }
}

function commandOf(node: Node, fail: Fail): CommandTemplate {
  if (isSeq(node)) {
    if (node.items.length === 0) return fail(node, 'the command is empty');
    // Word for word: `1.50` stays 1.50, `007` stays 007.
    const argv = node.items.map((item) => (scalar(item as Node, fail, 'command'), String((item as { source?: unknown }).source ?? (item as { value: unknown }).value)));
    if (argv[0] === '') return fail(node.items[0] as Node, 'the command is empty');
    return { argv, fromList: true };
  }
  const line = text_(node, fail, 'command');
  try {
    return { argv: splitCommand(line), fromList: false };
  } catch (err) {
    return fail(node, (err as Error).message, `quote it, or write the command as a list that passes the params on: command: [sh, -c, 'python3 train.py "$@" | tee log', sh]`);
  }
}

function distribution(key: string, node: Node | null, fail: Fail): Distribution {
  const known = Object.keys(DISTRIBUTIONS).join(', ');
  if (!isMap(node) || node.items.length !== 1) return fail(node ?? undefined, `random ${key}: one distribution, e.g. {uniform: [0.0, 0.5]}`, `the distributions are ${known}`);
  const pair = node.items[0]!;
  const kind = isScalar(pair.key) ? String(pair.key.value) : '';
  const make = Object.hasOwn(DISTRIBUTIONS, kind) ? DISTRIBUTIONS[kind as keyof typeof DISTRIBUTIONS] : undefined;
  if (!make) return fail(pair, `random ${key}: unknown distribution "${kind}"`, `the distributions are ${known}`);
  const args = pair.value as Node | null;
  if (!isSeq(args)) return fail(args ?? pair, `random ${key}: ${kind} takes a list, e.g. ${kind}: ${make.example}`);
  const values = args.items.map((item) => scalar(item as Node, fail, `random ${key}`));
  const problem = make.check(values);
  if (problem) return fail(args, `random ${key}: ${kind} ${problem}`, `e.g. ${kind}: ${make.example}`);
  return make.build(values);
}

/** With placeholders, every param must appear in the command; without, params are appended as flags. */
function checkPlaceholders(spec: SweepSpec, fail: (message: string, hint: string) => never): void {
  const keys = paramKeys(spec);
  const used = spec.command.argv.flatMap((a) => placeholdersIn(a, fail));
  const [program = '', flag, script = ''] = spec.command.argv;
  // Flags appended after `sh -c SCRIPT` become the script's $0, $1...: unless it passes them on, the training never sees them.
  if (used.length === 0 && /^(.*\/)?(ba|da|z|k)?sh$/.test(program) && flag === '-c' && !/\$@|\$\{@\}|\$\*/.test(script)) {
    fail(`the params would reach ${program}, not the script it runs: nothing in "${script.length > 60 ? `${script.slice(0, 60)}...` : script}" passes "$@" on`, `end the list with a name for $0 and use "$@": [sh, -c, 'python3 train.py "$@" | tee log', sh], or put {name} placeholders in the script`);
  }
  if (used.length === 0) return;
  for (const u of used) if (!keys.includes(u)) fail(`the command's {${u}} names no param of the sweep`, `the params are ${keys.join(', ')}; write {{ and }} for literal braces`);
  const unused = keys.filter((k) => !used.includes(k));
  if (unused.length) {
    fail(`the command uses placeholders but not ${unused.map((k) => `{${k}}`).join(', ')}${unused.includes('seed') && spec.seeded ? ' (repeat sets seed)' : ''}`, 'put every param in the command, or use no placeholders to have them appended as --key value');
  }
}

/** Every param a trial gets, in the order they are appended to the command. */
export function paramKeys(spec: Pick<SweepSpec, 'grid' | 'random' | 'seeded'>): string[] {
  return [...spec.grid.map((g) => g.key), ...(spec.random?.params.map((p) => p.key) ?? []), ...(spec.seeded ? ['seed'] : [])];
}

/** The names in `{name}` placeholders of one argument; `{{` and `}}` are literal braces. */
export function placeholdersIn(arg: string, fail: (message: string, hint: string) => never = throwPlain): string[] {
  const out: string[] = [];
  for (const m of arg.matchAll(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g)) {
    if (m[0] === '{{' || m[0] === '}}') continue;
    if (m[1] === undefined || !PARAM_NAME.test(m[1])) fail(`the command has a stray brace in ${JSON.stringify(arg)}`, 'write {name} for a param, {{ and }} for literal braces');
    out.push(m[1]!);
  }
  return out;
}

/** A file name as it may be printed in one line: control characters spelled out. */
function shown(file: string): string {
  return /[\0-\x1f\x7f]/.test(file) ? JSON.stringify(file).slice(1, -1) : file;
}

function throwPlain(message: string): never {
  throw new Error(message);
}
