/**
 * Every command, in the order `tmt --help` lists them: the words that name it
 * (a test checks them against its spec) and its spec, loaded when needed. A
 * command line that names a command loads that command's spec alone, so
 * start-up reads one small file rather than all of them; help, a typo or a
 * bare `tmt` loads them all. A new command is a file beside this one (its
 * spec: flags, help, the mapping to its action) and a line here.
 */
import type { CommandSpec } from '../spec.js';

export interface Entry {
  /** Its name, then its aliases. */
  readonly names: readonly string[];
  load(): Promise<CommandSpec>;
}

export const COMMANDS: readonly Entry[] = [
  { names: ['snapshot'], load: async () => (await import('./snapshot.js')).snapshot },
  { names: ['save'], load: async () => (await import('./save.js')).save },
  { names: ['record'], load: async () => (await import('./record.js')).record },
  { names: ['list', 'ls'], load: async () => (await import('./list.js')).list },
  { names: ['best'], load: async () => (await import('./best.js')).best },
  { names: ['show'], load: async () => (await import('./show.js')).show },
  { names: ['get'], load: async () => (await import('./get.js')).get },
  { names: ['metrics'], load: async () => (await import('./metrics.js')).metrics },
  { names: ['checkout'], load: async () => (await import('./checkout.js')).checkout },
  { names: ['branch'], load: async () => (await import('./branch.js')).branch },
  { names: ['apply'], load: async () => (await import('./apply.js')).apply },
  { names: ['diff'], load: async () => (await import('./diff.js')).diff },
  { names: ['compare'], load: async () => (await import('./compare.js')).compare },
  { names: ['rerun'], load: async () => (await import('./rerun.js')).rerun },
  { names: ['sweep'], load: async () => (await import('./sweep.js')).sweep },
  { names: ['ui'], load: async () => (await import('./ui.js')).ui },
  { names: ['report'], load: async () => (await import('./report.js')).report },
  { names: ['log'], load: async () => (await import('./log.js')).log },
  { names: ['edit'], load: async () => (await import('./edit.js')).edit },
  { names: ['recover'], load: async () => (await import('./recover.js')).recover },
  { names: ['rm'], load: async () => (await import('./rm.js')).rm },
  { names: ['remote'], load: async () => (await import('./remote.js')).remote },
  { names: ['push'], load: async () => (await import('./push.js')).push },
  { names: ['fetch'], load: async () => (await import('./fetch.js')).fetch },
  { names: ['pull'], load: async () => (await import('./fetch.js')).pull },
];

/** The specs a command line needs: the command its first word names, else every one, in order. */
export async function specsFor(argv: readonly string[]): Promise<CommandSpec[]> {
  const named = COMMANDS.find((c) => c.names.includes(argv[0] ?? ''));
  return Promise.all((named ? [named] : COMMANDS).map((c) => c.load()));
}
