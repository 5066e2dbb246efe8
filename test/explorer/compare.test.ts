// Two prompts side by side (explorer/compare.ts) on a generated model, against the float64 reference
// (test/engine/reference.ts) and a distance written here: the last positions' distance per layer,
// both next-token lists, positions the prompts share landing on the same point of the one frame, the
// metric's default and pair tokens, and what cannot be compared or patched.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { compare } from '../../src/explorer/compare';
import { patchPair } from '../../src/explorer/patch-pair';
import { PAIRS } from '../../src/explorer/presets';
import { MAX_COMPARE_TOKENS } from '../../src/protocol/compare';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { referencePatching } from './reference-patching';

const [CAPITAL] = PAIRS;

/** Each vector centred and divided by its RMS, then the RMS of their difference (written apart from src/). */
function referenceDistance(a: Float64Array, b: Float64Array): number {
  const unit = (v: Float64Array) => {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const rms = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    return v.map((x) => (x - mean) / rms);
  };
  const [x, y] = [unit(a), unit(b)];
  return Math.sqrt(x.reduce((s, xi, i) => s + (xi - y[i]) ** 2, 0) / x.length);
}

describe('compare two prompts', function () {
  let model: Gpt2Model;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;

  before(async function () {
    const dir = await testModel(TINY); // 2 layers, 4 heads, 48 wide
    model = await Gpt2Model.load(dir, { threads: 1 });
    reference = loadReferenceModel(dir);
    tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
  });
  after(async () => model?.dispose());

  it('every minimal pair has the same token count and one-token metric tokens', () => {
    for (const pair of PAIRS) {
      const [clean, corrupt] = [pair.clean, pair.corrupt].map((text) => tokenizer.encode(text));
      assert.equal(clean.length, corrupt.length, pair.id);
      assert.ok(clean.some((token, t) => token.id !== corrupt[t].id), `${pair.id} differs somewhere`);
      for (const text of [pair.target, pair.versus]) assert.equal(tokenizer.encode(text).length, 1, `${pair.id}: ${JSON.stringify(text)}`);
    }
  });

  it('the last positions apart after each layer, and both next-token lists, as the reference has them', async () => {
    const view = await compare(model, tokenizer, CAPITAL.clean, CAPITAL.corrupt, CAPITAL);
    const { nLayer: L, nEmbd: d, vocabSize: V } = reference.config;
    const ids = (text: string) => tokenizer.encode(text).map((token) => token.id);
    const [clean, corrupt] = [ids(CAPITAL.clean), ids(CAPITAL.corrupt)];
    const [a, b] = [referenceForward(reference, clean), referenceForward(reference, corrupt)];
    const T = clean.length;
    const last = (hidden: Float64Array, layer: number) => hidden.slice((layer * T + T - 1) * d, (layer * T + T) * d);
    assert.equal(view.layers, L + 1);
    assert.equal(view.distance.length, L + 1);
    view.distance.forEach((got, layer) => {
      const expected = referenceDistance(last(a.hidden, layer), last(b.hidden, layer));
      assert.ok(Math.abs(got - expected) <= 1e-4, `layer ${layer}: ${got} against ${expected}`);
    });
    assert.ok(view.distance[0] < 1e-6, 'the last tokens (" is") and their positions agree: the embeddings are the same');
    assert.ok(view.distance[L] > 1e-3, 'after the blocks the country has reached the last position');
    for (const [side, result] of [[view.clean, a], [view.corrupt, b]] as const) {
      const logits = result.logits.subarray((T - 1) * V);
      const max = Math.max(...logits);
      const sum = logits.reduce((s, x) => s + Math.exp(x - max), 0);
      const order = Array.from(logits.keys()).sort((i, j) => logits[j] - logits[i]).slice(0, 10);
      assert.deepEqual(side.next.map((c) => c.id), order);
      side.next.forEach((c) => assert.ok(Math.abs(c.prob - Math.exp(logits[c.id] - max) / sum) <= 1e-5));
    }
    assert.deepEqual([view.target.text, view.versus.text], [' Paris', ' Rome'], "the pair's own tokens");
    assert.equal(view.refusal, '');
  });

  it('positions the prompts share land on the same point of the one frame at every layer; those after the change do not', async () => {
    const view = await compare(model, tokenizer, CAPITAL.clean, CAPITAL.corrupt);
    const T = view.clean.tokens.length;
    const part = view.clean.tokens.findIndex((token, t) => token.id !== view.corrupt.tokens[t].id);
    assert.equal(view.points.length, view.layers * 2 * T * 2);
    const point = (layer: number, which: 0 | 1, t: number) => view.points.slice(2 * (layer * 2 * T + which * T + t), 2 * (layer * 2 * T + which * T + t) + 2);
    for (let layer = 0; layer < view.layers; layer++) {
      for (let t = 0; t < part; t++) assert.deepEqual(point(layer, 0, t), point(layer, 1, t), `layer ${layer}, position ${t}`);
    }
    assert.notDeepEqual(point(0, 0, part), point(0, 1, part), 'the changed token itself');
    assert.notDeepEqual(point(view.layers - 1, 0, T - 1), point(view.layers - 1, 1, T - 1), 'the last position, after the blocks');
  });

  it("defaults the metric to the clean prompt's top token versus the second's (its runner-up when they agree)", async () => {
    const view = await compare(model, tokenizer, CAPITAL.clean, CAPITAL.corrupt);
    assert.equal(view.target.id, view.clean.next[0].id);
    assert.equal(view.versus.id, view.corrupt.next.find((c) => c.id !== view.target.id)!.id);
    assert.notEqual(view.target.id, view.versus.id);
  });

  it('says why two prompts cannot be patched: other token counts (both tokenizations, where they part), the same tokens', async () => {
    const other = await compare(model, tokenizer, CAPITAL.clean, 'The capital of France is');
    assert.match(other.refusal, /the clean one has 12, the corrupted one 5/);
    assert.match(other.refusal, /clean: {3}"The" " capital" " of" " Germany"/);
    assert.match(other.refusal, /they part at position 3/);
    assert.equal(other.distance.length, reference.config.nLayer + 1, 'they are still compared');
    const same = await compare(model, tokenizer, CAPITAL.clean, CAPITAL.clean);
    assert.match(same.refusal, /nothing to patch/);
    assert.ok(same.distance.every((d) => d === 0));
  });

  it('refuses an empty prompt and one longer than Compare takes, with a RangeError that says so', async () => {
    await assert.rejects(compare(model, tokenizer, CAPITAL.clean, ''), (error: Error) => error instanceof RangeError && /second prompt is empty/.test(error.message));
    const long = ' word'.repeat(MAX_COMPARE_TOKENS + 1);
    await assert.rejects(compare(model, tokenizer, long, CAPITAL.corrupt), (error: Error) => error instanceof RangeError && /first prompt has \d+ tokens; Compare and patching take prompts of at most 64: shorten it/.test(error.message));
    await assert.rejects(compare(model, tokenizer, CAPITAL.clean, CAPITAL.corrupt, { target: ' Paris', versus: ' Rome and' }), /" Rome and" is 2 tokens, not one/);
  });

  it('patchPair: the grids asked for, as the reference patches them, with one progress over all their cells', async () => {
    const ids = (text: string) => tokenizer.encode(text).map((token) => token.id);
    const [target, versus] = [' Paris', ' Rome'].map((text) => tokenizer.encode(text)[0].id);
    const heard: [number, number][] = [];
    const grids = await patchPair(model, tokenizer, { clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, what: ['mlp', 'heads'], target, versus, onProgress: (done, total) => heard.push([done, total]) });
    const { nLayer: L, nHead: H } = reference.config;
    const total = L * 12 + L * H;
    assert.deepEqual(heard.at(-1), [total, total]);
    assert.ok(heard.every(([done], i) => done <= total && (i === 0 || done >= heard[i - 1][0])), 'progress only grows');
    assert.deepEqual(grids.map((grid) => grid.what), ['mlp', 'heads']);
    for (const grid of grids) {
      const expected = referencePatching(reference, ids(CAPITAL.clean), ids(CAPITAL.corrupt), target, versus, grid.what);
      assert.deepEqual([grid.target, grid.versus], [{ id: target, text: ' Paris' }, { id: versus, text: ' Rome' }]);
      grid.effect.forEach((row, r) => row.forEach((metric, c) => assert.ok(Math.abs(metric - expected.effect[r][c]) <= 1e-4, `${grid.what} [${r}][${c}]`)));
    }
    await assert.rejects(patchPair(model, tokenizer, { clean: CAPITAL.clean, corrupt: 'The capital of France is', what: ['resid'], target, versus }), (error: Error) => error instanceof RangeError && /they part at position 3/.test(error.message));
  });
});
