/** Jittered exponential backoff for lock and compare-and-swap retries. */
export function backoffMs(attempt: number): number {
  const base = Math.min(5 * 2 ** attempt, 250);
  return base / 2 + Math.random() * base;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
