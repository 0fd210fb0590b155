/**
 * The id of the <script type="application/json"> block that holds a file's
 * patch: the page writes each patch under it, and the client script reads it
 * back when it draws that file. No imports: both sides use this module.
 */
export function patchBlockId(diff: number, file: number): string {
  return `tmt-p-${diff}-${file}`;
}
