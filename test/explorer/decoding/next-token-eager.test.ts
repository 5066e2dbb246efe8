// The lazy distributions of next-token.ts against the eager computation they replaced (the frozen
// oracle in eager-distribution.ts): greedy, top-k, top-p and seeded draws bit for bit.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../src/engine/random';
import { bestKept, decodingDistribution, drawToken } from '../../../src/explorer/decoding/next-token';
import { eagerBestKept, eagerDistribution } from './eager-distribution';

/** A GPT-2-wide row of float32 logits, as the model gives them: a few likely tokens, a long tail, some exact ties. */
function wideLogits(seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const logits = Float32Array.from({ length: 50257 }, () => -4 * Math.log(1 / (1 - random.next()) - 1)); // logistic, spread ≈ 7
  logits[1234] = logits[77] = logits[50000] = 30; // three-way tie for the top
  return logits;
}

/** Seeded u ∈ [0, 1), then cdf values themselves (a draw exactly on a boundary) and the ends. */
function testPoints(cdf: Float64Array, seed: number, n: number): number[] {
  const random = new SeededRandom(seed);
  const us = Array.from({ length: n }, () => random.next());
  return [...us, ...[0, 1, 2, 1234, cdf.length - 2].filter((i) => i >= 0 && i < cdf.length - 1).map((i) => cdf[i]), 0, 1 - 2 ** -32];
}

describe('decodingDistribution against the eager computation it replaced', function () {
  const logits = wideLogits(42);
  const filters = [
    { topK: 1, topP: 1 },
    { topK: 40, topP: 1 },
    { topK: 0, topP: 0.5 },
    { topK: 0, topP: 0.9 },
    { topK: 0, topP: 0.99 },
    { topK: 0, topP: 1 - 2 ** -53 }, // the mass may never get there: every id is kept
    { topK: 0, topP: 0 },
    { topK: 50, topP: 0.9 },
    { topK: 50257, topP: 0.999999 },
  ];

  it('greedy, top-k and top-p give the same arrays, ranks and draws, bit for bit', function () {
    for (const filter of [{ temperature: 0, topK: 0, topP: 1 }, ...[0.4, 1, 1.6].flatMap((temperature) => filters.map((f) => ({ temperature, ...f })))]) {
      const [lazy, eager] = [decodingDistribution(logits, filter), eagerDistribution(logits, filter)];
      const what = JSON.stringify(filter);
      for (const count of [0, 1, 10, 100]) assert.deepEqual(bestKept(lazy, count), eagerBestKept(eager, count), `${what}: best ${count}`);
      assert.equal(lazy.keptCount, eager.kept.length, what);
      assert.deepEqual(lazy.kept, eager.kept, what);
      assert.deepEqual(lazy.cdf, eager.cdf, what);
      assert.deepEqual(lazy.probs, eager.probs, what);
      for (const u of testPoints(eager.cdf, 1, 200)) assert.equal(drawToken(lazy, u), eager.kept[firstAbove(eager.cdf, u)], `${what}: u = ${u}`);
    }
  });

  it('top-p keeps what the full ranking kept, however far down the nucleus reaches', function () {
    const random = new SeededRandom(7);
    const flat = Float32Array.from({ length: 50257 }, () => 20 * random.next()); // nuclei of 11k, 17k and 46k ids
    for (const topP of [0.99, 0.999, 1 - 1e-8]) {
      const filter = { temperature: 1, topK: 0, topP };
      const [lazy, eager] = [decodingDistribution(flat, filter), eagerDistribution(flat, filter)];
      assert.deepEqual(lazy.kept, eager.kept, `top-p ${topP}`);
      assert.deepEqual(lazy.cdf, eager.cdf, `top-p ${topP}`);
    }
  });

  it('with nothing filtered: the same ranks and seeded draws, probabilities equal to 1e-12 (one normalisation less)', function () {
    for (const temperature of [0.4, 1, 1.6]) {
      const filter = { temperature, topK: 0, topP: 1 };
      const [lazy, eager] = [decodingDistribution(logits, filter), eagerDistribution(logits, filter)];
      for (const count of [1, 10, 15, 16, 17, 100]) assert.deepEqual(bestKept(lazy, count), eagerBestKept(eager, count), `T ${temperature}: best ${count}`);
      assert.equal(lazy.keptCount, 50257);
      const worst = Array.from(eager.probs, (p, id) => Math.abs(lazy.probability(id) - p) / p).reduce((a, b) => Math.max(a, b));
      assert.ok(worst <= 1e-12, `T ${temperature}: probabilities differ by up to ${worst} (relative)`);
      const random = new SeededRandom(2); // not u on the eager cdf's boundaries: the lazy one's differ in the last bits
      for (let i = 0; i < 500; i++) {
        const u = random.next();
        assert.equal(drawToken(lazy, u), eager.kept[firstAbove(eager.cdf, u)], `T ${temperature}: draw at u = ${u}`);
      }
      assert.deepEqual(lazy.kept, eager.kept);
    }
  });

  it('with nothing filtered: a first draw, which sums the probabilities only as far as it needs, draws what the cdf does', function () {
    for (const temperature of [0.4, 1]) {
      const filter = { temperature, topK: 0, topP: 1 };
      const built = decodingDistribution(logits, filter);
      for (const u of testPoints(built.cdf, 3, 100)) {
        const expected = firstAbove(built.cdf, u); // every id is kept: the index is the id
        assert.equal(drawToken(decodingDistribution(logits, filter), u), expected, `T ${temperature}: first draw at u = ${u}`);
        assert.equal(drawToken(built, u), expected, `T ${temperature}: draw at u = ${u}`);
      }
    }
  });

  it('with nothing filtered: probabilities and ranks are the same before and after a draw builds the arrays, and so are draws', function () {
    const filter = { temperature: 0.8, topK: 0, topP: 1 };
    const distribution = decodingDistribution(logits, filter);
    const before = { probs: Float64Array.from({ length: 50257 }, (_, id) => distribution.probability(id)), best: bestKept(distribution, 10) };
    const firstDraw = drawToken(distribution, 0.37);
    const cdf = distribution.cdf;
    assert.equal(drawToken(distribution, 0.37), firstDraw, 'the first draw (a scan) and the second (binary search)');
    assert.deepEqual(distribution.probs, before.probs);
    for (let id = 0; id < 50257; id++) assert.equal(distribution.probability(id), before.probs[id]);
    assert.deepEqual(bestKept(distribution, 10), before.best);
    assert.deepEqual(bestKept(distribution, 3), before.best.slice(0, 3));
    let running = 0;
    for (let id = 0; id < 50257 - 1; id++) assert.equal(cdf[id], (running += before.probs[id]));
    assert.equal(cdf[50256], 1);
    assert.deepEqual(bestKept(decodingDistribution(logits, filter), 3), before.best.slice(0, 3), 'a short list first, then a longer one');
  });

  it('ranks ties as the eager one did: equal logits by id, and logits whose probabilities round to one value', function () {
    const logits = Float32Array.from([-5, -3, 10, -4, -1, -2, 10, -7, -6, -0.5, -8, -9]);
    const cases = [
      { temperature: 1, topK: 0, topP: 1 }, // ids 2 and 6 tie
      { temperature: 0.001, topK: 0, topP: 1 }, // every probability but two underflows to 0: those rank by id
      { temperature: 1e300, topK: 0, topP: 1 }, // every probability rounds to 1/12
      { temperature: 0.001, topK: 5, topP: 1 },
    ];
    for (const filter of cases) {
      const [lazy, eager] = [decodingDistribution(logits, filter), eagerDistribution(logits, filter)];
      for (const count of [1, 2, 3, 5, 12, 20]) assert.deepEqual(bestKept(lazy, count), eagerBestKept(eager, count), `${JSON.stringify(filter)}: best ${count}`);
    }
  });
});

/** The index binary search finds: the first cdf above u, else the last. */
function firstAbove(cdf: Float64Array, u: number): number {
  const index = cdf.findIndex((c) => c > u);
  return index < 0 ? cdf.length - 1 : index;
}
