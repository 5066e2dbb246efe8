// Direct logit attribution against the float64 reference written from the weights in the test folder
// (reference-attribution.ts), on generated models of several shapes: every piece, the total, and the
// sum of the pieces (the decomposition must add up to the model's logit within 1e-4) on every case.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { prefill } from '../../src/engine/prefill';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { attribute, attributionSum, type Attribution } from '../../src/explorer/attribution';
import { topK } from '../../src/explorer/decoding/logits';
import { Trace } from '../../src/explorer/trace';
import { maxAbsDiff, testModel } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { pieces, referenceAttribution } from './reference-attribution';

const SHAPES = [
  { seed: 41, nLayer: 2, nHead: 4, nEmbd: 64, nPositions: 32 },
  { seed: 42, nLayer: 3, nHead: 2, nEmbd: 32, nPositions: 32 },
  { seed: 43, nLayer: 1, nHead: 1, nEmbd: 16, nPositions: 32 },
];
const TEXT = 'The capital of Germany is Berlin. The capital of France is';
const SUM = 1e-4; // the pieces against the model's own logit
const PIECE = 1e-4; // float32 engine against the float64 reference, per piece
const V = 50257;

/** The prompt read into a trace as the session reads it, optionally its last token as a KV-cached Step. */
async function traced(model: Gpt2Model, ids: number[], lastAsStep = false): Promise<Trace> {
  const trace = new Trace(model.config);
  const prompt = await prefill(model, lastAsStep ? ids.slice(0, -1) : ids, (pass) => trace.append(pass));
  if (lastAsStep) {
    const step = await model.forward(ids.slice(-1), prompt.cache);
    trace.append(step);
    step.cache.dispose();
  }
  prompt.cache.dispose();
  return trace;
}

function engineOrder(a: Attribution): number[] {
  return [a.embed, ...a.heads.flat(), ...a.attnBias, ...a.mlp, a.finalBias];
}

for (const shape of SHAPES) {
  const { nLayer: L, nHead: H, nEmbd: d } = shape;
  describe(`direct logit attribution on a ${L}-layer, ${H}-head, ${d}-wide model`, function () {
    let model: Gpt2Model;
    let reference: ReferenceModel;
    let ids: number[];
    let trace: Trace;

    before(async () => {
      const dir = await testModel(shape);
      const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
      ids = tokenizer.encode(TEXT).map((token) => token.id);
      model = await Gpt2Model.load(dir, { threads: 1 });
      reference = loadReferenceModel(dir);
      trace = await traced(model, ids);
    });
    after(async () => model?.dispose());

    /** The reference's top two tokens at `position`. */
    const topTwo = (position: number): number[] => {
      const logits = referenceForward(reference, ids.slice(0, position + 1)).logits;
      return topK(logits.subarray(position * V, (position + 1) * V), 2);
    };

    const check = (got: Attribution, position: number, target: number, versus: number | null) => {
      const expected = referenceAttribution(reference, ids, position, target, versus);
      assert.ok(Math.abs(attributionSum(got) - got.total) <= SUM, `the pieces sum to ${attributionSum(got)}, the model's total is ${got.total}`);
      assert.ok(Math.abs(pieces(expected).reduce((a, b) => a + b, 0) - expected.total) <= 1e-9, 'the reference adds up too');
      assert.ok(Math.abs(got.total - expected.total) <= PIECE, `total ${got.total} against the reference's ${expected.total}`);
      const diff = maxAbsDiff(engineOrder(got), pieces(expected));
      assert.ok(diff <= PIECE, `a piece differs from the reference by ${diff}`);
      assert.deepEqual([got.heads.length, got.heads[0].length, got.attnBias.length, got.mlp.length], [L, H, L, L]);
      assert.deepEqual([got.position, got.target, got.versus], [position, target, versus]);
      const rows = referenceForward(reference, ids).attention; // [L, H, T, T]
      const T = ids.length;
      const expectedRows = Array.from({ length: L * H }, (_, r) => Array.from(rows.subarray((r * T + position) * T, (r * T + position) * T + position + 1))).flat();
      assert.ok(maxAbsDiff(got.attention, expectedRows) <= 1e-5, 'each head\'s attention row at the position');
    };

    it('splits the top token\'s logit at the last position into pieces equal to the reference\'s', async () => {
      const position = ids.length - 1;
      const [top] = topTwo(position);
      check(await attribute(model, trace, { position, target: top, versus: null }), position, top, null);
    });

    it('splits top-1 versus top-2 at an earlier position (a logit difference)', async () => {
      const position = 3;
      const [first, second] = topTwo(position);
      check(await attribute(model, trace, { position, target: first, versus: second }), position, first, second);
    });

    it('attributes a generated token\'s position from the Step\'s own outputs, and any token id', async () => {
      const stepped = await traced(model, ids, true);
      const position = ids.length - 1;
      check(await attribute(model, stepped, { position, target: 11, versus: 50256 }), position, 11, 50256);
    });
  });
}

describe('direct logit attribution refuses what it cannot read', function () {
  it('a position outside the trace, a token outside the vocabulary, an 8-bit model', async () => {
    const dir = await testModel(SHAPES[0]);
    const model = await Gpt2Model.load(dir, { threads: 1 });
    const int8 = await Gpt2Model.load(dir, { threads: 1, weights: 'int8' });
    try {
      const trace = await traced(model, [464, 3139, 286]);
      await assert.rejects(attribute(model, trace, { position: 3, target: 0, versus: null }), /position 3 is out of range: expected 0 to 2/);
      await assert.rejects(attribute(model, trace, { position: 0, target: V, versus: null }), /token id 50257 is not in the vocabulary/);
      await assert.rejects(attribute(int8, await traced(int8, [464, 3139]), { position: 1, target: 0, versus: null }), /float32 model/);
    } finally {
      await Promise.all([model.dispose(), int8.dispose()]);
    }
  });
});
