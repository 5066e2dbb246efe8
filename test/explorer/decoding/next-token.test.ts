// The sampler on its own: temperature, top-k, top-p and the inverse-CDF draw; and the one check the
// settings pass before they get here.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../src/engine/random';
import { applyDecoding, DEFAULT_DECODING } from '../../../src/protocol/decoding';
import type { Distribution } from '../../../src/explorer/decoding/distribution';
import { softmax } from '../../../src/explorer/decoding/logits';
import { bestKept, decodingDistribution, drawToken } from '../../../src/explorer/decoding/next-token';
import { chiSquare } from '../chi-square';

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

describe('the one check of the settings before they reach the sampler', function () {
  it('applyDecoding rejects temperatures that are negative, NaN, infinite or above 2', function () {
    for (const t of [-1, NaN, Infinity, 2.5]) assert.throws(() => applyDecoding(DEFAULT_DECODING, { temperature: t }), /temperature: expected a number in \[0, 2\]/);
  });
});
