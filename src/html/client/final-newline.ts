/**
 * git's "\ No newline at end of file". diff2html drops that line, so a file
 * that only gained or lost its final newline would show a line removed and
 * the same line added, with nothing to say why. The page says it in words.
 */

/** What to tell the reader about final newlines in a one-file patch; undefined when both sides end in one. */
export function finalNewlineNote(patch: string): string | undefined {
  let oldMissing = false;
  let newMissing = false;
  const removed: string[] = [];
  const added: string[] = [];
  let prev = '';
  // Only hunk lines count: a removed "-- end" (SQL, Lua, Haskell comments) is "--- end" in a patch.
  const body = patch.indexOf('\n@@ ');
  for (const line of body < 0 ? [] : patch.slice(body + 1).split('\n')) {
    if (line.startsWith('\\ ') && prev) {
      if (prev !== '+') oldMissing = true;
      if (prev !== '-') newMissing = true;
    } else if (line.startsWith('-')) removed.push(line.slice(1));
    else if (line.startsWith('+')) added.push(line.slice(1));
    prev = /^[ +-]/.test(line) ? line[0]! : '';
  }
  if (!oldMissing && !newMissing) return undefined;
  // A new or deleted file has one version only.
  if (/^(--- |\+\+\+ )\/dev\/null$/m.test(patch.slice(0, Math.max(0, body)))) return 'The file has no newline at the end.';
  if (oldMissing && newMissing) return 'Neither version ends with a newline.';
  const only = removed.length > 0 && removed.length === added.length && removed.every((l, k) => l === added[k]);
  const what = oldMissing ? 'the old version has no newline at the end of the file; the new one has' : 'the new version has no newline at the end of the file; the old one had';
  return only ? `Only the final newline changed: ${what}.` : `${what[0]!.toUpperCase()}${what.slice(1)}.`;
}
