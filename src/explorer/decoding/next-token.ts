// How the next token is picked: temperature, then top-k, then top-p (nucleus), then a seeded
// inverse-CDF draw over what is left. Pure: no model, no I/O. The settings come checked (applyDecoding
// in src/protocol/decoding.ts); this only applies them to one row of logits.
import type { DecodingFilter, Distribution } from './distribution';
import { filteredDistribution } from './filtered';
import { GreedyDistribution } from './greedy';
import { argmax, softmax } from './logits';
import { UnfilteredDistribution } from './unfiltered';

/** softmax(logits / temperature) restricted to the top-k, then to the smallest set holding top-p of the mass. */
export function decodingDistribution(logits: ArrayLike<number>, filter: DecodingFilter): Distribution {
  if (filter.temperature === 0) return new GreedyDistribution(logits.length, argmax(logits));
  if (filtersNothing(filter, logits.length)) return new UnfilteredDistribution(logits, filter.temperature);
  return filteredDistribution(softmax(logits, filter.temperature), filter);
}

/** The kept token whose CDF interval holds u ∈ [0, 1): the first with cdf > u. */
export function drawToken(distribution: Distribution, u: number): number {
  return distribution.draw(u);
}

/** The kept tokens best first, at most `count` of them (fewer when fewer are in play). */
export function bestKept(distribution: Distribution, count: number): number[] {
  return distribution.best(count);
}

/** Top-k off (0, or every id) and top-p off (1). */
export function filtersNothing({ topK: k, topP: p }: DecodingFilter, V: number): boolean {
  return !(k > 0 && k < V) && p >= 1;
}
