/**
 * What a user may call a run, tag it, or name an environment variable to
 * capture. Each is checked when it is given, because a name that no selector
 * can reach, or a tag that no filter can match, is only found out later.
 */
import { TmtError } from '../../errors.js';

const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_LABEL = 200;

/** A run name: selectable by name, so never a selector word, and printable on one line. */
export function checkRunName(name: string | undefined): void {
  if (name === undefined || name === '') return;
  // As selectors read them (../read/select.ts): trimmed, and a trailing ~N counts back from the name before it.
  if (/^last(~\d+)?$/.test(name)) throw new TmtError('BAD_ARGUMENT', `a run cannot be named "${name}": that selects the newest run`, { hint: 'pick another name' });
  if (/~\d+$/.test(name)) throw new TmtError('BAD_ARGUMENT', `a run cannot be named "${printable(name)}": NAME~N selects the Nth run before NAME`, { hint: 'pick a name that does not end in ~ and digits' });
  if (name.trim() !== name) throw new TmtError('BAD_ARGUMENT', `a run cannot be named "${printable(name)}": selectors drop spaces at either end`, { hint: 'pick a name without leading or trailing spaces' });
  checkLabel('run name', name);
}

export function checkTags(tags: readonly string[] | undefined): void {
  for (const t of tags ?? []) {
    if (t.trim() === '') throw new TmtError('BAD_ARGUMENT', 'a tag cannot be empty', { hint: 'e.g. -t baseline' });
    checkLabel('tag', t);
  }
}

export function checkEnvNames(names: readonly string[] | undefined): void {
  for (const n of names ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) {
      throw new TmtError('BAD_ARGUMENT', `--env takes the name of an environment variable, not "${printable(n)}"`, { hint: 'e.g. --env CUDA_VISIBLE_DEVICES (its value is read from the environment)' });
    }
  }
}

function checkLabel(what: string, s: string): void {
  if (CONTROL.test(s)) throw new TmtError('BAD_ARGUMENT', `a ${what} cannot hold control characters (newlines, tabs): "${printable(s)}"`, { hint: `pick a ${what} on one line` });
  if (s.length > MAX_LABEL) throw new TmtError('BAD_ARGUMENT', `a ${what} of ${s.length} characters is too long (at most ${MAX_LABEL})`, { hint: 'put longer text in the description (-d)' });
}

function printable(s: string): string {
  const short = s.length > 40 ? `${s.slice(0, 40)}...` : s;
  return JSON.stringify(short).slice(1, -1);
}
