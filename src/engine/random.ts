// The one seeded random generator of the project: the explorer's draws (Sample, seeds in the UI),
// the PCA's start vectors and the generated test models' weights all use it.

/**
 * mulberry32: a tiny, fast generator of uniform numbers in [0, 1) with 32-bit state.
 * The same seed gives the same stream on every machine (integer arithmetic only).
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer from 0 to 2^32 - 1, got ${seed}`);
    this.state = seed | 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
