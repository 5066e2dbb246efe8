// How the next token is picked: temperature, then top-k, then top-p (nucleus), then a seeded
// inverse-CDF draw over what is left. Pure: no model, no I/O.
import { argmax, checkTemperature, softmax, topK } from '../engine/logits';

export interface DecodingFilter {
  temperature: number; // 0 = greedy
  topK: number; // 0 = off
  topP: number; // 1 = off
}

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

const LEADERS = 16; // logits ranked with the max: more than the view's 10 and the one that tells where they end

/** softmax(logits / temperature) restricted to the top-k, then to the smallest set holding top-p of the mass. */
export function decodingDistribution(logits: ArrayLike<number>, filter: DecodingFilter): Distribution {
  checkTemperature(filter.temperature);
  if (filter.temperature === 0) return new GreedyDistribution(logits.length, argmax(logits));
  if (filtersNothing(filter, logits.length)) return new SoftmaxDistribution(logits, filter.temperature);
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

/** Temperature 0: all the mass on the first largest logit. */
class GreedyDistribution implements Distribution {
  readonly kept: Int32Array;
  readonly cdf = Float64Array.of(1);
  readonly keptCount = 1;
  private oneHot?: Float64Array;

  constructor(
    private readonly vocabSize: number,
    private readonly top: number,
  ) {
    this.kept = Int32Array.of(top);
  }

  get probs(): Float64Array {
    if (!this.oneHot) {
      this.oneHot = new Float64Array(this.vocabSize);
      this.oneHot[this.top] = 1;
    }
    return this.oneHot;
  }

  probability(id: number): number {
    return id === this.top ? 1 : 0;
  }

  best(count: number): number[] {
    return count >= 1 ? [this.top] : [];
  }

  draw(): number {
    return this.top;
  }
}

/**
 * Nothing filtered: softmax(logits / temperature) over every id, from one pass for the largest logits
 * (the max, and the view's top 10) and one for the normaliser. Each probability is computed from its logit when asked for; the first draw
 * sums them only as far as it has to, and a second one builds probs and cdf ([V] each). (They are
 * not renormalised over the kept ids as filtered ones are: with every id kept that changes only
 * the last bits, ≤ 1e-12 relative, and would cost one more pass.)
 */
class SoftmaxDistribution implements Distribution {
  private readonly byLogit: number[]; // the LEADERS largest logits' ids, largest first: the max and the view's top 10 in one pass
  private readonly max: number; // the largest logit: every exp() below is ≤ 1, never overflowing
  private readonly normaliser: number; // Σ exp((logit − max) / temperature), in id order
  private ranked: number[] = []; // the longest best-first list asked for so far
  private drawn = false; // a first draw scans; later ones search the cdf, built for them
  private arrays?: { probs: Float64Array; cdf: Float64Array };
  private ids?: Int32Array;

  constructor(
    private readonly logits: ArrayLike<number>,
    private readonly temperature: number,
  ) {
    this.byLogit = topK(logits, LEADERS);
    this.max = logits[this.byLogit[0]];
    this.normaliser = sumOfExp(logits, this.max, temperature);
  }

  get keptCount(): number {
    return this.logits.length;
  }

  get kept(): Int32Array {
    return (this.ids ??= allIds(this.logits.length));
  }

  get probs(): Float64Array {
    return this.built().probs;
  }

  get cdf(): Float64Array {
    return this.built().cdf;
  }

  probability(id: number): number {
    return Math.exp((this.logits[id] - this.max) / this.temperature) / this.normaliser;
  }

  best(count: number): number[] {
    const wanted = Math.max(0, Math.min(Math.floor(count), this.logits.length));
    if (this.ranked.length < wanted) this.ranked = this.rank(wanted);
    return this.ranked.slice(0, wanted);
  }

  draw(u: number): number {
    if (this.arrays || this.drawn) return firstAbove(this.cdf, u); // every id is kept, in id order: the index is the id
    this.drawn = true;
    return this.scan(u);
  }

  /** softmax keeps the logits' order, so the leaders by logit are the leaders by probability. */
  private rank(count: number): number[] {
    const probability = (id: number) => this.probability(id);
    const byLogit = count < this.byLogit.length ? this.byLogit.slice(0, count + 1) : topK(this.logits, count + 1);
    return leaders(byLogit, count, probability) ?? topK(this.probs, count);
  }

  /** firstAbove(cdf, u) without building cdf: the same running sum, only up to the first id past u. */
  private scan(u: number): number {
    const last = this.logits.length - 1;
    let running = 0;
    for (let id = 0; id < last; id++) {
      running += this.probability(id);
      if (running > u) return id;
    }
    return last; // cdf[last] is 1, above every u
  }

  private built(): { probs: Float64Array; cdf: Float64Array } {
    if (!this.arrays) {
      const probs = new Float64Array(this.logits.length);
      for (let id = 0; id < probs.length; id++) probs[id] = this.probability(id);
      this.arrays = { probs, cdf: runningSum(probs) };
    }
    return this.arrays;
  }
}

/** Top-k and/or top-p on: every array built at once (the kept ids have to be ranked anyway). */
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
    return this.kept[firstAbove(this.cdf, u)];
  }
}

/** Top-k then top-p over the full softmax `full`, renormalised over what they keep. */
function filteredDistribution(full: Float64Array, filter: DecodingFilter): Distribution {
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

function filtersNothing({ topK: k, topP: p }: DecodingFilter, V: number): boolean {
  return !(k > 0 && k < V) && p >= 1;
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

/**
 * The first `count` candidates sorted by probability (ties: lower id first), given candidates listed
 * in an order that never puts a less probable id before a more probable one, and one more than
 * `count` of them when there are. null when that one more is as probable as the least of the first
 * `count`: then an id not listed may tie with them too, and the caller ranks every id instead.
 */
function leaders(candidates: number[], count: number, probability: (id: number) => number): number[] | null {
  const first = candidates.slice(0, count);
  const least = first.reduce((low, id) => Math.min(low, probability(id)), Infinity);
  if (candidates.length > count && !(probability(candidates[count]) < least)) return null;
  return first.sort((a, b) => probability(b) - probability(a) || a - b);
}

/** Σ exp((logit − max) / temperature) over every id, in id order and in float64. */
function sumOfExp(logits: ArrayLike<number>, max: number, temperature: number): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] - max) / temperature);
  return sum;
}

/** [n] running sums of probs, the last set to 1: rounding must never leave a draw past the end. */
function runningSum(probs: Float64Array): Float64Array {
  const cdf = new Float64Array(probs.length);
  let running = 0;
  for (let i = 0; i < probs.length; i++) {
    running += probs[i];
    cdf[i] = running;
  }
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** The first index whose cdf is above u (binary search); the last one when none before it is. */
function firstAbove(cdf: Float64Array, u: number): number {
  let low = 0;
  let high = cdf.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cdf[mid] > u) high = mid;
    else low = mid + 1;
  }
  return low;
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

/** The ids whose probability is at least `threshold`, most likely first (ties: lower id first). */
function rankAtLeast(probs: Float64Array, threshold: number): number[] {
  const ids: number[] = [];
  for (let id = 0; id < probs.length; id++) if (probs[id] >= threshold) ids.push(id);
  return ids.sort((a, b) => probs[b] - probs[a] || a - b);
}

export { SeededRandom } from '../engine/random'; // the explorer's seeded draws and the test models share one generator
