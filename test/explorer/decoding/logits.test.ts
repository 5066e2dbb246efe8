// softmax with temperature, argmax and topK over logits rows.
import assert from 'node:assert/strict';
import { argmax, softmax, topK } from '../../../src/explorer/decoding/logits';

describe('logits helpers', function () {
  it('softmax sums to 1 over a GPT-2-wide row and keeps the order of the logits', function () {
    const logits = Float32Array.from({ length: 50257 }, (_, i) => Math.sin(i) * 10);
    const probs = softmax(logits);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(argmax(probs), argmax(logits));
    assert.ok(Math.abs(probs[1] / probs[2] - Math.exp(logits[1] - logits[2])) < 1e-9);
  });

  it('temperature flattens (T > 1) or sharpens (T < 1); T = 0 puts all mass on the first maximum', function () {
    const logits = [1, 3, 2, 3];
    assert.ok(softmax(logits, 2)[1] < softmax(logits, 1)[1]);
    assert.ok(softmax(logits, 0.5)[1] > softmax(logits, 1)[1]);
    assert.deepEqual(Array.from(softmax(logits, 0)), [0, 1, 0, 0]);
    assert.ok(Math.abs(softmax([1000, 0], 1)[0] - 1) < 1e-12, 'large logits do not overflow');
  });

  it('topK returns the k largest, largest first, lower index first on ties', function () {
    const values = Float32Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 10);
    const expected = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, 10);
    assert.deepEqual(topK(values, 10), expected);
    assert.deepEqual(topK([5, 1, 5, 9], 3), [3, 0, 2]);
    assert.deepEqual(topK([1, 2], 5), [1, 0]);
    assert.deepEqual(topK([1, 2], 0), []);
    assert.equal(argmax([]), -1);
  });

  it('topK and argmax agree with a full sort on rows full of ties, for every k', function () {
    const values = Float32Array.from({ length: 300 }, (_, i) => ((i * 7919) % 13) - 6); // 13 distinct values, ~23 of each
    const sorted = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
    for (let k = 0; k <= 301; k += k < 30 ? 1 : 17) assert.deepEqual(topK(values, k), sorted.slice(0, k), `k = ${k}`);
    assert.equal(argmax(values), sorted[0]);
  });
});
