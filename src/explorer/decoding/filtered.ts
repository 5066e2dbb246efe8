// Top-k and/or top-p on: the tokens they keep, renormalised, every array built at once (the kept
// ids have to be ranked anyway).
import { cdfIndex, type DecodingFilter, type Distribution, leaders } from './distribution';
import { argmax, topK } from './logits';

class FilteredDistribution implements Distribution {
  constructor(
    readonly probs: Float64Array,
    readonly kept: Int32Array, // best first
    readonly cdf: Float64Array,
  ) {}

  get keptCount(): number {
    return this.kept.length;
  }

  probability(id: number): number {
    return this.probs[id];
  }

  best(count: number): number[] {
    const wanted = Math.max(0, Math.floor(count));
    const probability = (id: number) => this.probs[id];
    return leaders(Array.from(this.kept.subarray(0, wanted + 1)), wanted, probability) ?? topK(this.probs, wanted);
  }

  draw(u: number): number {
    return this.kept[cdfIndex(this.cdf, u)];
  }
}

/** Top-k then top-p over the full softmax `full`, renormalised over what they keep; at least one of them is on. */
export function filteredDistribution(full: Float64Array, filter: DecodingFilter): Distribution {
  const kept = keptIds(full, filter);
  let mass = 0;
  for (let i = 0; i < kept.length; i++) mass += full[kept[i]];
  // Typed arrays and plain loops: a JS array of ids and forEach cost ≈ 4 ms a step over 50,257 ids.
  const probs = kept.length === full.length ? full : new Float64Array(full.length); // everything kept: renormalise in place
  const cdf = new Float64Array(kept.length);
  let running = 0;
  for (let i = 0; i < kept.length; i++) {
    const id = kept[i];
    probs[id] = full[id] / mass;
    running += probs[id];
    cdf[i] = running;
  }
  cdf[cdf.length - 1] = 1; // rounding must never leave a draw past the end
  return new FilteredDistribution(probs, kept, cdf);
}

/** The ids top-k and top-p leave, best first; at least one of them is on. */
function keptIds(probs: Float64Array, { topK: k, topP: p }: DecodingFilter): Int32Array {
  if (!(k > 0 && k < probs.length)) return Int32Array.from(nucleus(probs, p));
  const ranked = topK(probs, k);
  if (p >= 1) return Int32Array.from(ranked);
  return Int32Array.from(ranked.slice(0, countReaching(probs, ranked, p) || ranked.length));
}

/**
 * Top-p alone: the most likely ids, best first (ties: lower id first), up to where their mass
 * reaches p. Only the ids at or above a threshold are sorted (the ranking's first ones, ties
 * included) and the threshold is lowered until their mass reaches p: sorting all 50,257 ids costs
 * ≈ 20 ms, and the nucleus usually holds a few to a few thousand.
 */
function nucleus(probs: Float64Array, p: number): number[] {
  const top = probs[argmax(probs)];
  for (const fraction of [2 ** -8, 2 ** -20, 2 ** -40]) {
    const ranked = rankAtLeast(probs, top * fraction);
    const count = countReaching(probs, ranked, p);
    if (count > 0) return ranked.slice(0, count);
  }
  const ranked = rankAll(probs);
  return ranked.slice(0, countReaching(probs, ranked, p) || ranked.length);
}

/** How many of `ranked` it takes for their mass, added in that order, to reach p (at least 1, even for p = 0); 0 if they never do. */
function countReaching(probs: Float64Array, ranked: number[], p: number): number {
  let mass = 0;
  for (let i = 0; i < ranked.length; i++) {
    mass += probs[ranked[i]];
    if (mass >= p) return i + 1;
  }
  return 0;
}

/** Every id, most likely first (ties: lower id first). */
function rankAll(probs: Float64Array): number[] {
  return Array.from({ length: probs.length }, (_, id) => id).sort((a, b) => probs[b] - probs[a] || a - b);
}

/** The ids whose probability is at least `threshold`, most likely first (ties: lower id first). */
function rankAtLeast(probs: Float64Array, threshold: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < probs.length; id++) if (probs[id] >= threshold) ids.push(id);
  return ids.sort((a, b) => probs[b] - probs[a] || a - b);
}
