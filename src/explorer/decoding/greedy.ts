// Temperature 0: the distribution with all the mass on one token.
import type { Distribution } from './distribution';

/** All the mass on `top`, the first largest logit; the one-hot [V] array is built only if asked for. */
export class GreedyDistribution implements Distribution {
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
