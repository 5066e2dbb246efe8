// The decoding distribution as it was computed before it became lazy (src/explorer/sampling.ts, now
// decoding/): the full softmax, then top-k and top-p over it, every [V] array built at once. The frozen
// reference the lazy one is checked against: keep it as it is.
import type { DecodingFilter } from '../../../src/explorer/decoding/distribution';
import { argmax, softmax, topK } from '../../../src/explorer/decoding/logits';

export interface EagerDistribution {
  probs: Float64Array; // [V] renormalised over the kept tokens, 0 elsewhere
  kept: Int32Array; // token ids left in play (greedy: the top one only)
  cdf: Float64Array; // [kept.length] running sum of probs over `kept`, in that order; the last is 1
}

export function eagerDistribution(logits: ArrayLike<number>, filter: DecodingFilter): EagerDistribution {
  const full = softmax(logits, filter.temperature);
  const kept = filter.temperature === 0 ? Int32Array.of(argmax(logits)) : keptIds(full, filter);
  let mass = 0;
  for (let i = 0; i < kept.length; i++) mass += full[kept[i]];
  const probs = kept.length === full.length ? full : new Float64Array(full.length);
  const cdf = new Float64Array(kept.length);
  let running = 0;
  for (let i = 0; i < kept.length; i++) {
    const id = kept[i];
    probs[id] = full[id] / mass;
    running += probs[id];
    cdf[i] = running;
  }
  cdf[cdf.length - 1] = 1;
  return { probs, kept, cdf };
}

export function eagerBestKept(distribution: EagerDistribution, count: number): number[] {
  const { probs, kept } = distribution;
  if (kept.length <= count) return Array.from(kept).sort((a, b) => probs[b] - probs[a] || a - b);
  return topK(probs, count);
}

function keptIds(probs: Float64Array, { topK: k, topP: p }: DecodingFilter): Int32Array {
  const V = probs.length;
  const kOn = k > 0 && k < V;
  if (!kOn && p >= 1) return Int32Array.from({ length: V }, (_, id) => id);
  const ranked = kOn ? topK(probs, k) : Array.from({ length: V }, (_, id) => id).sort((a, b) => probs[b] - probs[a] || a - b);
  if (p >= 1) return Int32Array.from(ranked);
  let mass = 0;
  for (let i = 0; i < ranked.length; i++) {
    mass += probs[ranked[i]];
    if (mass >= p) return Int32Array.from(ranked.slice(0, i + 1));
  }
  return Int32Array.from(ranked);
}
