/**
 * Which ref names a remote may hand us. A name a server advertises becomes a
 * ref here, and without git a ref is a file path, so a name must pass git's
 * own rules (`git check-ref-format`, refs.c check_refname_component) before
 * it is used at all; an object id must be 40 hex digits. tmt is stricter
 * than git in one point: no component may start with '-', so a name can
 * never be read as an option.
 */

/** Whether `name` is a full ref name (`refs/...`) that git accepts and no component starts with '-'. */
export function isSafeRefName(name: string): boolean {
  if (!name.startsWith('refs/') || name.endsWith('.') || name.includes('..') || name.includes('@{')) return false;
  // Control characters, DEL, space, and ~ ^ : ? * [ \ are never part of a ref name.
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.startsWith('-') && !part.endsWith('.lock'));
}

/** Whether `oid` is a SHA-1 object id as git prints it. */
export function isObjectId(oid: string): boolean {
  return /^[0-9a-f]{40}$/.test(oid);
}
