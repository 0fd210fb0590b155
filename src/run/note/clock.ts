/** Wall-clock time, injected so tests can pin run ids and dates. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
