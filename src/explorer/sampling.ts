// How the next token is picked: temperature, then top-k, then top-p (nucleus), then a seeded
// inverse-CDF draw over what is left. Pure: no model, no I/O.
import { argmax, softmax, topK } from '../engine/logits';

export interface DecodingFilter {
  temperature: number; // 0 = greedy
  topK: number; // 0 = off
  topP: number; // 1 = off
}

/** The distribution the next token is drawn from. */
export interface Distribution {
  probs: Float64Array; // [V] renormalised over the kept tokens, 0 elsewhere
  kept: Int32Array; // token ids left in play (greedy: the top one only)
  cdf: Float64Array; // [kept.length] running sum of probs over `kept`, in that order; the last is 1
}

/** softmax(logits / temperature) restricted to the top-k, then to the smallest set holding top-p of the mass. */
export function decodingDistribution(logits: ArrayLike<number>, filter: DecodingFilter): Distribution {
  const full = softmax(logits, filter.temperature);
  const kept = filter.temperature === 0 ? Int32Array.of(argmax(logits)) : keptIds(full, filter);
  let mass = 0;
  for (let i = 0; i < kept.length; i++) mass += full[kept[i]];
  // Typed arrays and plain loops: this runs after every Step over all 50,257 ids (a JS array of
  // ids and forEach cost ≈ 4 ms a step; these loops well under 1 ms).
  const probs = kept.length === full.length ? full : new Float64Array(full.length); // nothing filtered: renormalise in place
  const cdf = new Float64Array(kept.length);
  let running = 0;
  for (let i = 0; i < kept.length; i++) {
    const id = kept[i];
    probs[id] = full[id] / mass;
    running += probs[id];
    cdf[i] = running;
  }
  cdf[cdf.length - 1] = 1; // rounding must never leave a draw past the end
  return { probs, kept, cdf };
}

/** The ids top-k and top-p leave: all of them, in id order, when both are off; otherwise best first. */
function keptIds(probs: Float64Array, { topK: k, topP: p }: DecodingFilter): Int32Array {
  const V = probs.length;
  const kOn = k > 0 && k < V;
  if (!kOn && p >= 1) return allIds(V);
  const ranked = kOn ? topK(probs, k) : rankAll(probs);
  if (p >= 1) return Int32Array.from(ranked);
  let mass = 0;
  for (let i = 0; i < ranked.length; i++) {
    mass += probs[ranked[i]];
    if (mass >= p) return Int32Array.from(ranked.slice(0, i + 1)); // always at least the top token, even for p = 0
  }
  return Int32Array.from(ranked);
}

function allIds(V: number): Int32Array {
  const ids = new Int32Array(V);
  for (let id = 0; id < V; id++) ids[id] = id;
  return ids;
}

/** Every id, most likely first (ties: lower id first). */
function rankAll(probs: Float64Array): number[] {
  return Array.from({ length: probs.length }, (_, id) => id).sort((a, b) => probs[b] - probs[a] || a - b);
}

/** The kept token whose CDF interval holds u ∈ [0, 1): the first with cdf > u (binary search). */
export function drawToken(distribution: Distribution, u: number): number {
  const { cdf, kept } = distribution;
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cdf[mid] > u) high = mid;
    else low = mid + 1;
  }
  return kept[low];
}

/** The kept tokens best first, at most `count` of them (fewer when fewer are in play). */
export function bestKept(distribution: Distribution, count: number): number[] {
  const { probs, kept } = distribution;
  if (kept.length <= count) return Array.from(kept).sort((a, b) => probs[b] - probs[a] || a - b);
  return topK(probs, count);
}

export { SeededRandom } from '../engine/random'; // the explorer's seeded draws and the test models share one generator
