// The sampler on its own: seeded stream, temperature, top-k, top-p and the inverse-CDF draw.
import assert from 'node:assert/strict';
import { softmax } from '../../src/engine/logits';
import { bestKept, decodingDistribution, drawToken, SeededRandom, type Distribution } from '../../src/explorer/sampling';
import { chiSquare } from './chi-square';
import { eagerBestKept, eagerDistribution } from './eager-distribution';

/** Logits whose softmax at temperature 1 is exactly `probs` (up to rounding). */
const logitsOf = (probs: number[]) => probs.map(Math.log);
const OFF = { temperature: 1, topK: 0, topP: 1 };

/** 24 tokens with probabilities from 20% down to 0.4%: every bin expects ≥ 5 of 2,000 draws. */
function skewedLogits(): number[] {
  const weights = Array.from({ length: 24 }, (_, i) => 1 / (i + 1.2) ** 1.3);
  const total = weights.reduce((a, b) => a + b, 0);
  return logitsOf(weights.map((w) => w / total));
}

function draws(distribution: Distribution, seed: number, n: number): Map<number, number> {
  const random = new SeededRandom(seed);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = drawToken(distribution, random.next());
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const asMap = (probs: Float64Array) => new Map(Array.from(probs, (p, id) => [id, p] as [number, number]).filter(([, p]) => p > 0));

describe('SeededRandom', function () {
  it('gives the same stream for the same seed, another for another seed, always in [0, 1)', function () {
    const take = (seed: number) => Array.from({ length: 1000 }, ((random) => () => random.next())(new SeededRandom(seed)));
    assert.deepEqual(take(7), take(7));
    assert.notDeepEqual(take(7), take(8));
    for (const u of [...take(0), ...take(0xffffffff)]) assert.ok(u >= 0 && u < 1, `${u} is outside [0, 1)`);
  });

  it('rejects seeds that are not 32-bit unsigned integers', function () {
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) assert.throws(() => new SeededRandom(seed), RangeError);
  });
});

describe('decodingDistribution and drawToken', function () {
  it('with every filter off keeps the whole vocabulary with the softmax probabilities', function () {
    const logits = skewedLogits();
    const distribution = decodingDistribution(logits, OFF);
    assert.equal(distribution.kept.length, logits.length);
    const expected = softmax(logits);
    distribution.probs.forEach((p, id) => assert.ok(Math.abs(p - expected[id]) < 1e-12));
    assert.equal(distribution.cdf[distribution.cdf.length - 1], 1);
  });

  it('2,000 seeded draws pass a chi-square test against the probabilities, and fail against tempered ones', function () {
    const logits = skewedLogits();
    const distribution = decodingDistribution(logits, OFF);
    const counts = draws(distribution, 12345, 2000);
    const fair = chiSquare(counts, asMap(distribution.probs), 2000);
    assert.ok(fair.statistic < fair.critical, `χ² = ${fair.statistic.toFixed(1)} ≥ ${fair.critical.toFixed(1)} (${fair.degrees} degrees)`);
    // The same draws judged against temperature 1.5: a sampler that ignored temperature would pass this.
    const tempered = chiSquare(counts, asMap(decodingDistribution(logits, { ...OFF, temperature: 1.5 }).probs), 2000);
    assert.ok(tempered.statistic > tempered.critical, `tempered: χ² = ${tempered.statistic.toFixed(1)} ≤ ${tempered.critical.toFixed(1)}`);
  });

  it('draws with probability 0 never come up, and u at the ends maps to the first and last kept token', function () {
    const distribution = decodingDistribution(logitsOf([0.5, 0, 0.25, 0, 0.25]), OFF);
    assert.equal(drawToken(distribution, 0), 0);
    assert.equal(drawToken(distribution, 0.4999), 0);
    assert.equal(drawToken(distribution, 0.5), 2);
    assert.equal(drawToken(distribution, 1 - 2 ** -32), 4);
    for (const id of draws(distribution, 3, 5000).keys()) assert.ok([0, 2, 4].includes(id), `drew ${id}`);
  });

  it('temperature 0 keeps only the most likely token (the first on ties)', function () {
    const distribution = decodingDistribution([1, 3, 2, 3], { ...OFF, temperature: 0 });
    assert.deepEqual(Array.from(distribution.kept), [1]);
    assert.equal(distribution.probs[1], 1);
    assert.deepEqual([...draws(distribution, 9, 100)], [[1, 100]]);
  });

  it('lower temperature sharpens and higher flattens the same logits', function () {
    const logits = skewedLogits();
    const top = (temperature: number) => decodingDistribution(logits, { ...OFF, temperature }).probs[0];
    assert.ok(top(0.5) > top(1) && top(1) > top(2));
  });

  it('top-k keeps the k most likely, renormalised, and draws never leave them', function () {
    const logits = skewedLogits();
    const distribution = decodingDistribution(logits, { ...OFF, topK: 5 });
    assert.deepEqual(Array.from(distribution.kept), [0, 1, 2, 3, 4]);
    const full = softmax(logits);
    const mass = full.slice(0, 5).reduce((a, b) => a + b, 0);
    for (let id = 0; id < 5; id++) assert.ok(Math.abs(distribution.probs[id] - full[id] / mass) < 1e-12);
    for (const id of draws(distribution, 1, 5000).keys()) assert.ok(id < 5, `drew ${id} outside the top 5`);
  });

  it('top-p keeps the fewest tokens whose mass reaches p (always at least one)', function () {
    const logits = logitsOf([0.05, 0.5, 0.15, 0.3]); // ranked: 1, 3, 2, 0
    const kept = (topP: number) => Array.from(decodingDistribution(logits, { ...OFF, topP }).kept);
    assert.deepEqual(kept(0), [1]);
    assert.deepEqual(kept(0.5 - 1e-9), [1]);
    assert.deepEqual(kept(0.7), [1, 3]);
    assert.deepEqual(kept(0.9), [1, 3, 2]);
    assert.deepEqual(kept(0.99), [1, 3, 2, 0]);
    const distribution = decodingDistribution(logits, { ...OFF, topP: 0.7 });
    for (const id of draws(distribution, 5, 5000).keys()) assert.ok(id === 1 || id === 3, `drew ${id} outside the nucleus`);
  });

  it('top-k then top-p: the nucleus is taken within the top k', function () {
    const logits = logitsOf([0.05, 0.5, 0.15, 0.3]);
    assert.deepEqual(Array.from(decodingDistribution(logits, { ...OFF, topK: 2, topP: 0.99 }).kept), [1, 3]);
  });

  it('bestKept ranks the kept tokens and never lists filtered ones', function () {
    const logits = skewedLogits();
    assert.deepEqual(bestKept(decodingDistribution(logits, OFF), 3), [0, 1, 2]);
    assert.deepEqual(bestKept(decodingDistribution(logits, { ...OFF, topK: 2 }), 10), [0, 1]);
    assert.deepEqual(bestKept(decodingDistribution(logits, { ...OFF, temperature: 0 }), 10), [0]);
  });
});

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
