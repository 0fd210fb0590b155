/**
 * Which way a metric's name says is better: lower for loss-like names, higher
 * for score-like ones, and nothing for the rest. A logged `lr`, `epoch` or
 * `grad_norm` has no better value, so tmt must not colour it or crown a run
 * for having more of it.
 */
export type Direction = 'max' | 'min';

/** Words that make a metric better when smaller. */
const LOWER_IS_BETTER = new Set([
  'loss', 'losses', 'error', 'errors', 'err', 'mse', 'mae', 'rmse', 'mape', 'perplexity', 'ppl', 'wer', 'cer',
  'nll', 'bpb', 'bpc', 'bpd', 'fid', 'regret', 'cost', 'time', 'latency',
]);

/** Words that make a metric better when larger. */
const SCORES = [
  'acc', 'accuracy', 'auc', 'auroc', 'f1', 'r2', 'precision', 'recall', 'bleu', 'rouge', 'reward', 'rewards', 'return', 'returns',
  'score', 'map', 'iou', 'miou', 'dice', 'ndcg', 'hit', 'hits', 'pass', 'em', 'exact_match',
];

/**
 * A score word may end in a number (`top5`, `acc1`, `map50`, `ndcg10`,
 * `rouge2`; `rougeL` is `rouge` too), as cut-offs are written; `top` and `f`
 * are scores only with one (`top1`, `f05`).
 */
const HIGHER_IS_BETTER = new RegExp(`^(?:(?:${SCORES.join('|')})\\d*|rouge[a-z]+|(?:top|f)\\d+)$`);

/**
 * The words of a metric's name, split at any separator (`/` as Lightning,
 * W&B and TensorBoard write them, `.`, `_`, `-`, `@`) and at camelCase humps
 * (valLoss → val Loss; MSELoss → MSE Loss), plus each separator-split part
 * whole, so `mAP50` and `mIoU` are read as `map50` and `miou` too.
 */
function words(metric: string): string[] {
  const humps = metric.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  const parts = metric.toLowerCase().split(/[^a-z0-9]+/);
  const all = [...humps, ...parts].filter(Boolean);
  // Two-word scores (`exact_match`) are matched on neighbouring words joined.
  for (const list of [humps, parts]) for (let i = 0; i + 1 < list.length; i++) all.push(`${list[i]}_${list[i + 1]}`);
  return all;
}

/**
 * The direction a metric's name implies, or undefined when it implies none.
 * A loss-like word wins over a score-like one (`f1_loss` is a loss).
 */
export function nameDirection(metric: string): Direction | undefined {
  const w = words(metric);
  if (w.some((x) => LOWER_IS_BETTER.has(x))) return 'min';
  if (w.some((x) => HIGHER_IS_BETTER.test(x))) return 'max';
  return undefined;
}

/**
 * The direction to rank by when the user asked for a ranking and nothing
 * says which way: the name's, else higher (a ranking must pick one).
 */
export function defaultDirection(metric: string): Direction {
  return nameDirection(metric) ?? 'max';
}
