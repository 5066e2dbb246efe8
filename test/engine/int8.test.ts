// The engine with 8-bit weights (LoadOptions.weights 'int8') against the float64 reference run on
// the weights the 8-bit ones decode to, on tiny generated models (64 wide: K must be a multiple of
// the block of 32).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { row } from '../../src/engine/matrix';
import { Gpt2Model } from '../../src/engine/model';
import type { ForwardResult } from '../../src/engine/types';
import { argmax } from '../../src/explorer/decoding/logits';
import { quantizedReference } from './quantized-reference';
import { loadReferenceModel, referenceForward, type ReferenceModel, type ReferenceResult } from './reference';
import { assertStepMatchesFullPass, lastRows, maxAbsDiff, testModel, TINY } from './models';

const TINY_INT8 = { ...TINY, nEmbd: 64 };
const PROMPT = [464, 3139, 286, 4486, 318, 11307, 13, 50256, 0];

/** The reference's logits at the last position. */
function lastRow(expected: ReferenceResult): Float64Array {
  return expected.logits.subarray(expected.logits.length - 50257); // V = 50,257 in every test model
}

/** Largest difference of any output (hidden, attention, q, k, v, last logits) to the reference. */
function worstDiff(actual: ForwardResult, expected: ReferenceResult): number {
  const outputs = (['hidden', 'q', 'k', 'v'] as const).map((key) => maxAbsDiff(actual[key], expected[key]));
  const S = actual.pastLength + actual.length;
  const attention = maxAbsDiff(actual.attention, lastRows(expected.attention, actual.attention.length / S, actual.length, S));
  return Math.max(...outputs, attention, maxAbsDiff(actual.logits, expected.logits.subarray(expected.logits.length - actual.logits.length)));
}

describe('Gpt2Model with 8-bit weights', function () {
  let dir: string;
  let reference: ReferenceModel; // fp32 weights
  let decoded: ReferenceModel; // the 8-bit weights, decoded
  let int8: Gpt2Model;
  let float32: Gpt2Model;

  before(async function () {
    dir = await testModel(TINY_INT8);
    reference = loadReferenceModel(dir);
    decoded = quantizedReference(reference);
    int8 = await Gpt2Model.load(dir, { threads: 1, weights: 'int8' });
    float32 = await Gpt2Model.load(dir, { threads: 1 });
  });
  after(async () => Promise.all([int8?.dispose(), float32?.dispose()]));

  it('says which weights it runs', function () {
    assert.equal(int8.weights, 'int8');
    assert.equal(float32.weights, 'float32');
  });

  it('computing in float32 (accuracy level 0), matches the reference on the decoded weights exactly', async function () {
    // Only the weights are rounded: every output within float32 noise of the reference on them, while the
    // fp32 weights' logits are measurably elsewhere (0.16 on this model) — so a silent fp32 run fails here.
    const exact = await Gpt2Model.load(dir, { threads: 1, weights: 'int8', int8AccuracyLevel: 0 });
    try {
      const result = await exact.forward(PROMPT);
      const onDecoded = worstDiff(result, referenceForward(decoded, PROMPT));
      assert.ok(onDecoded <= 1e-4, `differs from the reference on the decoded weights by ${onDecoded}`);
      const onFloat32 = maxAbsDiff(result.logits, lastRow(referenceForward(reference, PROMPT)));
      assert.ok(onFloat32 > 0.05, `logits only ${onFloat32} from the fp32 weights' ones: were the weights quantized at all?`);
    } finally {
      await exact.dispose();
    }
  });

  it('as the product runs it (accuracy level 4, activations in int8 too), stays near the reference on the decoded weights', async function () {
    // Measured on this model (logit std 4.1): logits 0.23 from the decoded-weights reference, hidden 0.075,
    // attention 0.018 — the activations' rounding costs about as much as the weights' (0.16). Twice that here.
    const result = await int8.forward(PROMPT);
    const expected = referenceForward(decoded, PROMPT);
    assert.ok(maxAbsDiff(result.logits, lastRow(expected)) <= 0.5, 'logits');
    assert.ok(maxAbsDiff(result.hidden, expected.hidden) <= 0.15, 'hidden');
    assert.ok(maxAbsDiff(result.attention, lastRows(expected.attention, result.attention.length / PROMPT.length, PROMPT.length, PROMPT.length)) <= 0.04, 'attention'); // the last rows
    for (const key of ['q', 'k', 'v'] as const) assert.ok(maxAbsDiff(result[key], expected[key]) <= 0.12, key);
  });

  it('gives other logits than fp32, but the same top-1 on a model that favours a token', async function () {
    const differs = maxAbsDiff((await int8.forward(PROMPT)).logits, (await float32.forward(PROMPT)).logits);
    assert.ok(differs > 0.05, `8-bit logits within ${differs} of the fp32 ones: is it running fp32?`);
    const favouring = await testModel({ ...TINY_INT8, favourToken: 11 });
    const [a, b] = await Promise.all([Gpt2Model.load(favouring, { threads: 1, weights: 'int8' }), Gpt2Model.load(favouring, { threads: 1 })]);
    try {
      for (let length = 1; length <= PROMPT.length; length++) {
        const [x, y] = [await a.forward(PROMPT.slice(0, length)), await b.forward(PROMPT.slice(0, length))];
        assert.equal(argmax(x.logits), 11, `8-bit top-1 after ${length} tokens`);
        assert.equal(argmax(y.logits), 11);
        assert.ok(maxAbsDiff(x.logits, y.logits) > 0, 'the 8-bit model is another model');
      }
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('gives a KV-cache step the numbers the full pass has at that position', async function () {
    await assertStepMatchesFullPass(int8, PROMPT, 1e-4);
  });

  it("lens() at the last layer is the model's logits (the same 8-bit lm_head)", async function () {
    const result = await int8.forward(PROMPT);
    const { nLayer: L, nEmbd: d, vocabSize: V } = int8.config;
    const lastLayer = await int8.lens(result.hidden.subarray(L * PROMPT.length * d), PROMPT.length);
    assert.deepEqual(row(lastLayer, PROMPT.length - 1, V), result.logits);
  });

  it('quantizes F16 checkpoints too (the other weights then come from memory)', async function () {
    const f16 = await testModel({ ...TINY_INT8, seed: 11, dtype: 'f16' });
    const exact = await Gpt2Model.load(f16, { threads: 1, weights: 'int8', int8AccuracyLevel: 0 });
    try {
      const diff = worstDiff(await exact.forward(PROMPT), referenceForward(quantizedReference(loadReferenceModel(f16)), PROMPT));
      assert.ok(diff <= 1e-4, `differs from the reference on the decoded weights by ${diff}`);
    } finally {
      await exact.dispose();
    }
  });

  it('keeps the 8-bit weights in a cache: a second load reads them, a stale or damaged cache is quantized again', async function () {
    const cacheDir = mkdtempSync(join(tmpdir(), 'gpt2-int8-'));
    const copy = mkdtempSync(join(tmpdir(), 'gpt2-int8-model-')); // its own weights file, to touch
    for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(dir, file), join(copy, file));
    const expected = (await int8.forward(PROMPT)).logits; // quantized without a cache
    const load = async () => {
      let quantized = 0;
      const model = await Gpt2Model.load(copy, { threads: 1, weights: 'int8', int8CacheDir: cacheDir, onQuantize: (done, total) => (quantized = done / total) });
      try {
        assert.deepEqual((await model.forward(PROMPT)).logits, expected, 'the same numbers as the quantizing load');
      } finally {
        await model.dispose();
      }
      return quantized;
    };
    try {
      assert.equal(await load(), 1, 'the first load quantizes everything');
      const [file] = readdirSync(cacheDir);
      assert.match(file, /^[0-9a-f]{24}\.int8$/, 'one finished file, no partial one left');
      assert.equal(await load(), 0, 'the second reads the cache');
      const cache = join(cacheDir, file);
      const bytes = readFileSync(cache);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff; // a flipped byte inside a block's codes
      writeFileSync(cache, bytes);
      assert.ok((await load()) > 0, 'a damaged matrix is quantized again');
      assert.equal(await load(), 0, 'and the cache is whole again');
      truncateSync(cache, 100);
      assert.equal(await load(), 1, 'a cut-short cache is rebuilt');
      utimesSync(join(copy, 'model.safetensors'), new Date(), new Date(Date.now() + 5000)); // the weights changed
      assert.equal(await load(), 1, 'a stale cache is rebuilt');
      assert.equal(await load(), 0);
      assert.deepEqual(readdirSync(cacheDir), [file]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('refuses a model whose width is not a multiple of the block', async function () {
    await assert.rejects(Gpt2Model.load(await testModel(TINY), { weights: 'int8' }), /8-bit weights need n_embd to be a multiple of 32; this model's is 48/);
  });
});
