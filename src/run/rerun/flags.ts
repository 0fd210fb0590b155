/**
 * `tmt rerun -p lr=0.1`: the value of a flag the recorded command line
 * carried, rewritten in place (`--lr 0.01` → `--lr 0.1`, `--lr=0.01` →
 * `--lr=0.1`). A key the command line does not carry as a flag with a value
 * is refused: adding a flag the script may not know would fail, or be
 * silently ignored, only once the rerun is under way.
 */
import { TmtError } from '../../errors.js';
import { flagsOf } from '../record/argv-params.js';

export function rewriteFlags(argv: readonly string[], overrides: ReadonlyArray<readonly [key: string, value: string]>): string[] {
  const out = [...argv];
  const flags = flagsOf(argv);
  for (const [key, value] of overrides) {
    const hits = flags.filter((f) => f.key === key);
    if (hits.length === 0) {
      const known = [...new Set(flags.filter((f) => f.value).map((f) => f.key))];
      throw new TmtError('BAD_ARGUMENT', `-p ${key}: the recorded command has no flag --${key}`, {
        hint: known.length ? `its flags with values: ${known.join(', ')}` : `its command line has no flags with values: ${argv.join(' ')}`,
      });
    }
    for (const f of hits) {
      if (!f.value) {
        throw new TmtError('BAD_ARGUMENT', `-p ${key}: --${key} is a switch on the recorded command line, without a value to change`, {
          hint: 'only flags written with a value (--lr 0.01 or --lr=0.01) can be rewritten',
        });
      }
      out[f.value.at] = f.value.inline ? `${argv[f.at]!.slice(0, argv[f.at]!.indexOf('=') + 1)}${value}` : value;
    }
  }
  return out;
}
