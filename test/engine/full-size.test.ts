// The engine at GPT-2 small's full shape (12 layers, 12 heads, 768 wide, 50,257 vocab, 1,024
// positions) on a generated model cached in .test-models/: a 12-token prompt with every output,
// and one KV-cache step, checked against the float64 reference at a few positions.
import assert from 'node:assert/strict';
import { row } from '../../src/engine/matrix';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import type { ForwardResult } from '../../src/engine/types';
import { argmax, softmax } from '../../src/explorer/decoding/logits';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel, type ReferenceResult } from './reference';
import { FULL_SIZE, headRows, lastRows, maxAbsDiff, testModel } from './models';

const LESSON_PROMPT = 'The capital of Germany is Berlin. The capital of France is';
const TOLERANCE = 1e-4;
const L = 12, H = 12, d = 768, dh = 64, V = 50257;

/** Rows of a [..., T, width] array at position t, for every leading index. */
function atPosition(data: ArrayLike<number>, leading: number, T: number, width: number, t: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < leading; i++) for (let j = 0; j < width; j++) out.push(data[(i * T + t) * width + j]);
  return out;
}

function assertPositionsClose(actual: ForwardResult, expected: ReferenceResult, positions: number[]): void {
  const T = actual.length;
  const S = actual.pastLength + T;
  for (const t of positions) {
    const checks: [string, number][] = [
      ['hidden', maxAbsDiff(atPosition(actual.hidden, L + 1, T, d, t), atPosition(expected.hidden, L + 1, T, d, t))],
      ['q', maxAbsDiff(atPosition(actual.q, L * H, T, dh, t), atPosition(expected.q, L * H, T, dh, t))],
      ['k', maxAbsDiff(atPosition(actual.k, L * H, T, dh, t), atPosition(expected.k, L * H, T, dh, t))],
      ['v', maxAbsDiff(atPosition(actual.v, L * H, T, dh, t), atPosition(expected.v, L * H, T, dh, t))],
    ];
    if (t === T - 1) checks.push(['attention', maxAbsDiff(actual.attention, lastRows(expected.attention, L * H, T, S))]); // the last query's rows
    if (t === T - 1) checks.push(['logits', maxAbsDiff(actual.logits, expected.logits.subarray(t * V, (t + 1) * V))]); // the engine's are the last position's
    for (const [name, diff] of checks) assert.ok(diff <= TOLERANCE, `${name} at position ${t} differs by ${diff}`);
  }
}

describe('Gpt2Model at GPT-2 small size', function () {
  let model: Gpt2Model;
  let reference: ReferenceModel;
  let ids: number[];
  let expected: ReferenceResult | undefined; // the prompt's reference pass: seconds of float64 at this size, so taken once

  const referencePrompt = (): ReferenceResult => (expected ??= referenceForward(reference, ids));

  before(async function () {
    const dir = await testModel(FULL_SIZE);
    ids = (await Gpt2Tokenizer.fromModelDir(dir)).encode(LESSON_PROMPT).map((token) => token.id);
    model = await Gpt2Model.load(dir);
    reference = loadReferenceModel(dir);
  });
  after(async () => model?.dispose());

  it('runs a 12-token prompt with every output the right shape and finite', async function () {
    assert.equal(ids.length, 12);
    const result = await model.forward(ids);
    const sizes = { hidden: 13 * 12 * d, attention: L * H * 12, q: L * H * 12 * dh, k: L * H * 12 * dh, v: L * H * 12 * dh, logits: V };
    for (const [name, size] of Object.entries(sizes)) {
      const data = result[name as keyof typeof sizes];
      assert.equal(data.length, size, name);
      assert.ok(data.every(Number.isFinite), `${name} is finite`);
    }
    for (let r = 0; r < L * H; r++) {
      const pattern = await model.attention(headRows(result.q, 0, r, 1, 12, dh), headRows(result.k, 0, r, 1, 12, dh), 12);
      for (let t = 0; t < 12; t++) {
        const attentionRow = pattern.subarray(t * 12, (t + 1) * 12);
        assert.ok(Math.abs(attentionRow.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'attention rows sum to 1');
        assert.ok(attentionRow.subarray(t + 1).every((p) => p === 0), 'no attention to later positions');
      }
      assert.deepEqual(pattern.subarray(11 * 12), result.attention.subarray(r * 12, (r + 1) * 12), 'the last row is the pass\'s');
    }
  });

  it('has a next-token distribution far from uniform, and a lens that changes its mind across layers', async function () {
    const result = await model.forward(ids);
    const probs = softmax(result.logits);
    assert.ok(probs[argmax(probs)] > 0.05, `top-1 probability ${probs[argmax(probs)]}`);
    const lens = await model.lens(Float32Array.from(atPosition(result.hidden, L + 1, 12, d, 11)), L + 1);
    const tops = new Set(Array.from({ length: L + 1 }, (_, layer) => argmax(row(lens, layer, V))));
    assert.ok(tops.size >= 2, 'the lens shows more than one top token over the layers');
  });

  it('agrees with the reference at the first, a middle and the last position', async function () {
    const result = await model.forward(ids);
    assertPositionsClose(result, referencePrompt(), [0, 5, 11]);
  });

  it('agrees with the reference on a KV-cache step and on the lens of the last position', async function () {
    const prompt = await model.forward(ids);
    const step = await model.forward([6342], prompt.cache); // " Paris"
    assertPositionsClose(step, referenceForward(reference, [6342], referencePrompt().past), [0]);
    const lastPerLayer = atPosition(prompt.hidden, L + 1, 12, d, 11);
    const lens = await model.lens(Float32Array.from(lastPerLayer), L + 1);
    assert.ok(maxAbsDiff(lens, referenceLens(reference, lastPerLayer, L + 1)) <= TOLERANCE);
  });
});
