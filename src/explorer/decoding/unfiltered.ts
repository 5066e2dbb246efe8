// Nothing filtered (top-k and top-p off, temperature > 0): softmax(logits / temperature) over every
// id, computed lazily, since after a Step the view asks only for the top 10 and their probabilities.
import { cdfIndex, type Distribution, leaders, runningSum } from './distribution';
import { topK } from './logits';

const LEADERS = 16; // logits ranked with the max: more than the view's 10 and the one that tells where they end

/**
 * softmax(logits / temperature) over every id, from one pass for the largest logits (the max, and the
 * view's top 10) and one for the normaliser. Each probability is computed from its logit when asked
 * for; the first draw sums them only as far as it has to, and a second one builds probs and cdf
 * ([V] each). (They are not renormalised over the kept ids as filtered ones are: with every id kept
 * that changes only the last bits, ≤ 1e-12 relative, and would cost one more pass.)
 */
export class UnfilteredDistribution implements Distribution {
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
    if (this.arrays || this.drawn) return cdfIndex(this.cdf, u); // every id is kept, in id order: the index is the id
    this.drawn = true;
    return this.scan(u);
  }

  /** softmax keeps the logits' order, so the leaders by logit are the leaders by probability. */
  private rank(count: number): number[] {
    const probability = (id: number) => this.probability(id);
    const byLogit = count < this.byLogit.length ? this.byLogit.slice(0, count + 1) : topK(this.logits, count + 1);
    return leaders(byLogit, count, probability) ?? topK(this.probs, count);
  }

  /** cdfIndex(cdf, u) without building cdf: the same running sum, only up to the first id past u. */
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

/** Σ exp((logit − max) / temperature) over every id, in id order and in float64. */
function sumOfExp(logits: ArrayLike<number>, max: number, temperature: number): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] - max) / temperature);
  return sum;
}

function allIds(V: number): Int32Array {
  const ids = new Int32Array(V);
  for (let id = 0; id < V; id++) ids[id] = id;
  return ids;
}
