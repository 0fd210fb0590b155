/** What a selection of runs left out or could not match, one line each, as every command that selects says it. */

/** A field no run has: most likely a typo, and sometimes we can tell what was meant. */
export function unknownFieldWarning(f: { field: string; meant?: string }): string {
  return f.meant ? `no run has ${f.field}: ${f.meant}` : `no run has ${f.field} (a typo?)`;
}

/** Runs a filter could not judge because their notes cannot be read: counted, never dropped silently. */
export function unreadableWarning(n: number): string {
  return `left out ${n} run${n === 1 ? '' : 's'} whose note cannot be read; tmt list --status unreadable shows ${n === 1 ? 'it' : 'them'}`;
}
