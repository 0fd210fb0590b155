/** The arithmetic of charts: smoothing and best points. */

/** Debiased EMA: early points are not pulled towards zero. */
export function ema(values: readonly number[], w: number): number[] {
  if (w <= 0) return [...values];
  let last = 0;
  let weight = 0;
  return values.map((v) => {
    last = last * w + (1 - w) * v;
    weight = weight * w + (1 - w);
    return last / weight;
  });
}

/** The index of the best value: the lowest or highest, the first one on ties. */
export function bestIndex(values: readonly number[], direction: 'max' | 'min'): number {
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || (direction === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}
