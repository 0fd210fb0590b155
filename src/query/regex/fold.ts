/**
 * Case folding as JavaScript's /i does it without the u flag (the spec's
 * Canonicalize): a code unit stands for its upper case when that is one unit,
 * and a non-ASCII unit never folds onto ASCII (so `ſ` does not match `s`).
 */

let groups: Map<number, number[]> | undefined;
let canon: Uint16Array | undefined;

function canonicalize(c: number): number {
  const upper = String.fromCharCode(c).toUpperCase();
  if (upper.length !== 1) return c;
  const u = upper.charCodeAt(0);
  return c >= 128 && u < 128 ? c : u;
}

/** Every code unit with the same canonical form as `c`, `c` among them. */
export function foldedVariants(c: number): readonly number[] {
  if (!canon || !groups) {
    // One pass over all 65,536 units, paid only by patterns that ignore case.
    canon = new Uint16Array(0x10000);
    groups = new Map();
    for (let u = 0; u <= 0xffff; u++) canon[u] = canonicalize(u);
    // Only units that fold with others get a group; the rest stand alone.
    for (let u = 0; u <= 0xffff; u++) {
      const k = canon[u]!;
      if (k === u) continue;
      const g = groups.get(k);
      if (g) g.push(u);
      else groups.set(k, [u]);
    }
    for (const [k, g] of groups) if (canon[k] === k) g.push(k);
  }
  return groups.get(canon[c]!) ?? [c];
}
