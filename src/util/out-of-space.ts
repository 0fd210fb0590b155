/**
 * Whether an error means the disk (or the user's quota) is full: a Node
 * file-system error, or a git process that said so. Such runs must end as
 * failed with the reason kept, never be left running.
 */
export function isOutOfSpace(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, stderr, message } = e as { code?: unknown; stderr?: unknown; message?: unknown };
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    const text = `${typeof stderr === 'string' ? stderr : ''}\n${typeof message === 'string' ? message : ''}`;
    if (/No space left on device|Disk quota exceeded/i.test(text)) return true;
  }
  return false;
}
