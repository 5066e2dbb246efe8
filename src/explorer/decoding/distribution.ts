// What a next-token distribution answers, and the pieces its three kinds share (greedy.ts, unfiltered.ts,
// filtered.ts): the cdf a draw searches and the ranking of a few leaders.
import type { DecodingSettings } from '../../protocol/decoding';

/** What shapes the distribution (maxNewTokens and seed do not): checked by applyDecoding before it comes here. */
export type DecodingFilter = Pick<DecodingSettings, 'temperature' | 'topK' | 'topP'>;

/**
 * The distribution the next token is drawn from. After a Step the view asks only for the top 10 and
 * their probabilities, so with nothing filtered the [V] arrays are built only when a draw needs them.
 */
export interface Distribution {
  readonly probs: Float64Array; // [V] renormalised over the kept tokens, 0 elsewhere
  readonly kept: Int32Array; // token ids left in play: every id in id order when nothing is filtered, else best first
  readonly cdf: Float64Array; // [kept.length] running sum of probs over `kept`, in that order; the last is 1
  readonly keptCount: number; // kept.length, without building `kept`
  probability(id: number): number; // probs[id], without building `probs`
  best(count: number): number[]; // the kept tokens best first (ties: lower id first), at most `count` of them
  draw(u: number): number; // the kept token whose CDF interval holds u ∈ [0, 1)
}

/** [n] running sums of probs, the last set to 1: rounding must never leave a draw past the end. */
export function runningSum(probs: Float64Array): Float64Array {
  const cdf = new Float64Array(probs.length);
  let running = 0;
  for (let i = 0; i < probs.length; i++) {
    running += probs[i];
    cdf[i] = running;
  }
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** The index of the cdf interval that holds u: the first cdf above u (binary search), else the last. */
export function cdfIndex(cdf: Float64Array, u: number): number {
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cdf[mid] > u) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The first `count` candidates sorted by probability (ties: lower id first), given candidates listed
 * in an order that never puts a less probable id before a more probable one, and one more than
 * `count` of them when there are. null when that one more is as probable as the least of the first
 * `count`: then an id not listed may tie with them too, and the caller ranks every id instead.
 */
export function leaders(candidates: number[], count: number, probability: (id: number) => number): number[] | null {
  const first = candidates.slice(0, count);
  const least = first.reduce((low, id) => Math.min(low, probability(id)), Infinity);
  if (candidates.length > count && !(probability(candidates[count]) < least)) return null;
  return first.sort((a, b) => probability(b) - probability(a) || a - b);
}
