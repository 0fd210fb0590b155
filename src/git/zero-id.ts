/**
 * Git writes the side of a change that does not exist (an added file's old
 * side, a deleted file's new side) as zeros: 0000000… for the object id and
 * 000000 for the mode. No imports: the page's client script uses it too.
 */
export function isZeroId(idOrMode: string): boolean {
  return /^0+$/.test(idOrMode);
}
