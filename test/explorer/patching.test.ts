// Activation patching (explorer/patching.ts) on a generated model, against the float64 reference
// written in the test folder (reference-patching.ts): every grid, the two anchors of the method (the
// last position's final hidden state gives the clean metric; a position whose tokens agree, before
// the prompts part, changes nothing), and the two kinds of bad input.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer, type Token } from '../../src/engine/tokenizer';
import { topK } from '../../src/explorer/decoding/logits';
import { patchGrid, PATCH_SITES, PatchInputError } from '../../src/explorer/patching';
import { maxAbsDiff, testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { referencePatching } from './reference-patching';

const CLEAN = 'The capital of France is';
const CORRUPT = 'The capital of Italy is'; // the same five tokens but the fourth
const TOLERANCE = 1e-4;
const TINY_INT8 = { ...TINY, nEmbd: 64 }; // 8-bit weights need a width that is a multiple of 32 (int8.test.ts's)

describe('activation patching', function () {
  let model: Gpt2Model;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let clean: Token[];
  let corrupt: Token[];
  const ids = (tokens: Token[]) => tokens.map((token) => token.id);

  before(async function () {
    const dir = await testModel(TINY); // 2 layers, 4 heads, 48 wide
    model = await Gpt2Model.load(dir, { threads: 1 });
    reference = loadReferenceModel(dir);
    tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    [clean, corrupt] = [CLEAN, CORRUPT].map((text) => tokenizer.encode(text));
    assert.equal(clean.length, corrupt.length);
  });
  after(async () => model?.dispose());

  for (const what of PATCH_SITES) {
    it(`the ${what} grid, the clean and the corrupted metric as the reference has them (default target and versus)`, async function () {
      const got = await patchGrid(model, clean, corrupt, { what });
      const top = (tokens: Token[]) => topK(referenceForward(reference, ids(tokens)).logits.subarray((tokens.length - 1) * reference.config.vocabSize), 1)[0];
      assert.deepEqual([got.target, got.versus], [top(clean), top(corrupt)]);
      const expected = referencePatching(reference, ids(clean), ids(corrupt), got.target, got.versus, what);
      const { nLayer: L, nHead: H } = reference.config;
      assert.deepEqual([got.effect.length, got.effect[0].length], [what === 'resid' ? L + 1 : L, what === 'heads' ? H : clean.length]);
      assert.ok(Math.abs(got.clean - expected.clean) <= TOLERANCE, `clean ${got.clean} against ${expected.clean}`);
      assert.ok(Math.abs(got.corrupt - expected.corrupt) <= TOLERANCE, `corrupt ${got.corrupt} against ${expected.corrupt}`);
      assert.ok(Math.abs(got.clean - got.corrupt) > 0.1, 'the two prompts disagree (or the test proves little)');
      const diff = maxAbsDiff(got.effect.flat(), expected.effect.flat());
      assert.ok(diff <= TOLERANCE, `the grid differs from the reference's by ${diff}`);
    });
  }

  it('patching the last position\'s final hidden state gives the clean metric; a position before the prompts part changes nothing', async function () {
    const [target, versus] = [' Paris', ' Rome'].map((text) => tokenizer.encode(text)[0].id);
    const resid = await patchGrid(model, clean, corrupt, { what: 'resid', target, versus });
    const { nLayer: L } = model.config;
    const T = clean.length;
    assert.ok(Math.abs(resid.effect[L][T - 1] - resid.clean) <= 1e-5, `${resid.effect[L][T - 1]} against the clean ${resid.clean}`);
    const part = ids(clean).findIndex((id, i) => id !== corrupt[i].id);
    assert.equal(part, 3);
    for (const what of ['resid', 'attn', 'mlp'] as const) {
      const grid = what === 'resid' ? resid : await patchGrid(model, clean, corrupt, { what, target, versus });
      for (const row of grid.effect) for (let p = 0; p < part; p++) assert.ok(Math.abs(row[p] - grid.corrupt) <= 1e-5, `${what} at ${p}: ${row[p]} against ${grid.corrupt}`);
    }
    // After the prompts part the hidden state does matter: the grid is not the corrupted metric everywhere.
    assert.ok(Math.abs(resid.effect[0][part] - resid.corrupt) > 0.01);
  });

  it('prompts that part at the first token (every cell rerun), one copy per batch: still the reference\'s grids, and progress counts every cell', async function () {
    const [first, second] = ['John went to the store', 'Mary went to the store'].map((text) => tokenizer.encode(text));
    assert.equal(first.length, second.length);
    assert.notEqual(first[0].id, second[0].id);
    for (const what of ['resid', 'attn', 'heads'] as const) {
      const progress: number[][] = [];
      const batched = await patchGrid(model, first, second, { what, batchRows: 1, onProgress: (done, total) => progress.push([done, total]) });
      const expected = referencePatching(reference, ids(first), ids(second), batched.target, batched.versus, what).effect.flat();
      const cells = expected.length;
      assert.equal(progress.length, cells, `${what}: one batch a cell`);
      assert.deepEqual(progress.at(-1), [cells, cells]);
      const diff = maxAbsDiff(batched.effect.flat(), expected);
      assert.ok(diff <= TOLERANCE, `${what}: the grid differs from the reference's by ${diff}`);
    }
  });

  it('prompts of different token counts: both tokenizations and the first position where they part', async function () {
    const longer = tokenizer.encode('The capital of the French Republic is');
    await assert.rejects(patchGrid(model, clean, longer, { what: 'resid' }), (error: Error) => {
      assert.ok(error instanceof PatchInputError);
      assert.match(error.message, /the clean one has 5, the corrupted one 7/);
      assert.match(error.message, /clean: {3}"The" " capital" " of" " France" " is"/);
      assert.match(error.message, /corrupt: "The" " capital" " of" " the" " French" " Republic" " is"/);
      assert.match(error.message, /they part at position 3/);
      return true;
    });
  });

  it('the same prompt twice: nothing to patch', async function () {
    await assert.rejects(patchGrid(model, clean, tokenizer.encode(CLEAN), { what: 'heads' }), /the two prompts are the same tokens: nothing to patch/);
  });

  it('an F16 model (its weights widened in memory) and two metric pairs on one model: the readout reads each pair\'s rows', async function () {
    const dir = await testModel({ ...TINY, dtype: 'f16' });
    const f16 = await Gpt2Model.load(dir, { threads: 1 });
    try {
      const f16Reference = loadReferenceModel(dir);
      for (const pair of [[' Paris', ' Rome'], [' Rome', ' the']]) {
        const [target, versus] = pair.map((text) => tokenizer.encode(text)[0].id);
        const got = await patchGrid(f16, clean, corrupt, { what: 'resid', target, versus });
        const expected = referencePatching(f16Reference, ids(clean), ids(corrupt), target, versus, 'resid');
        const diff = maxAbsDiff([got.clean, got.corrupt, ...got.effect.flat()], [expected.clean, expected.corrupt, ...expected.effect.flat()]);
        assert.ok(diff <= TOLERANCE, `${pair.join(' versus ')}: the grid differs from the reference's by ${diff}`);
      }
    } finally {
      await f16.dispose();
    }
  });

  it('an 8-bit model is refused: its numbers would not be the float32 model\'s', async function () {
    const int8 = await Gpt2Model.load(await testModel(TINY_INT8), { threads: 1, weights: 'int8' });
    try {
      await assert.rejects(patchGrid(int8, clean, corrupt, { what: 'resid' }), /patching reads the float32 model: load it without 8-bit weights/);
    } finally {
      await int8.dispose();
    }
  });

  it('an abort stops the grid with its reason', async function () {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(patchGrid(model, clean, corrupt, { what: 'resid', signal: controller.signal }), /cancelled/);
  });
});
