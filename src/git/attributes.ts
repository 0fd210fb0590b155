/**
 * The attributes git applies to paths when it adds them, as one string per
 * path. The stat cache compares these instead of enumerating where
 * attributes come from: `git check-attr` reads every source git reads
 * (.gitattributes at every level, ignored or not, the index's copy when the
 * working tree has none, info/attributes, core.attributesFile or the XDG
 * default, the system file, macros), so no source can be missed.
 */
import { git } from './exec.js';

/** Paths are latin1 strings (one char per byte), as the snapshot keeps them. */
export type AttributeMap = Map<string, string>;

const NUL = Buffer.from([0]);

/**
 * `git check-attr -a` for each path: `name=value` pairs joined by U+0001, or
 * '' when no attribute is set. Every path asked for gets an entry.
 */
export async function checkAttributes(workTree: string, paths: readonly string[], env?: Record<string, string>, pathsInput?: Buffer): Promise<AttributeMap> {
  const out: AttributeMap = new Map();
  if (paths.length === 0) return out;
  for (const p of paths) out.set(p, '');
  // `pathsInput`: the same paths already NUL-terminated, when the caller has them.
  const input = pathsInput ?? Buffer.concat(paths.flatMap((p) => [Buffer.from(p, 'latin1'), NUL]));
  const { stdout } = await git(['check-attr', '-a', '-z', '--stdin'], { cwd: workTree, input, env });
  // -z output: path NUL attribute NUL value NUL, once per attribute that is set.
  const parts = stdout.toString('latin1').split('\0');
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const p = parts[i]!;
    const prev = out.get(p);
    const pair = `${parts[i + 1]}=${parts[i + 2]}`;
    out.set(p, prev ? `${prev}\u0001${pair}` : pair);
  }
  return out;
}
