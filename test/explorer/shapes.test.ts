// Every view scales with the model: sessions on generated models of the family's shapes (distilgpt2's
// 6 layers; gpt2-medium's 24 layers and 16 heads, narrowed to 64 wide so the float64 reference stays
// quick), their last layer and head checked against the reference, the presets fitted to each depth.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { softmax, topK } from '../../src/explorer/decoding/logits';
import { PRESETS, presetOnModel } from '../../src/explorer/presets';
import { ExplorerSession } from '../../src/explorer/session';
import { parseHostMessage, type HostMessage } from '../../src/protocol/explorer';
import { maxAbsDiff, testModel } from '../engine/models';
import { loadReferenceModel, referenceForward, referenceLens } from '../engine/reference';

const SHAPES = [
  { like: 'distilgpt2', model: { seed: 31, nLayer: 6, nHead: 12, nEmbd: 48, nPositions: 32 }, presetLayers: [3, 3, 5, 4, 0, 2, 4] },
  { like: 'gpt2-medium', model: { seed: 32, nLayer: 24, nHead: 16, nEmbd: 64, nPositions: 32 }, presetLayers: [12, 10, 18, 16, 0, 8, 14] },
];
const TEXT = 'The capital of Germany is Berlin. The capital of France is';
const TOLERANCE = 1e-4;

for (const shape of SHAPES) {
  const { nLayer: L, nHead: H, nEmbd: d } = shape.model;
  describe(`views on a ${shape.like}-shaped model (${L} layers, ${H} heads, ${d} wide)`, function () {
    let model: Gpt2Model;
    let tokenizer: Gpt2Tokenizer;
    let session: ExplorerSession;
    let dir: string;

    before(async () => {
      dir = await testModel(shape.model);
      [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
      session = await ExplorerSession.create(model, tokenizer, { sentence: { id: 't', text: TEXT, source: 'custom' }, settings: { maxNewTokens: 2 } });
      await session.step();
    });
    after(async () => {
      session?.dispose();
      await model?.dispose();
    });

    it('says its shape, and fits every preset to its depth and heads', async () => {
      assert.deepEqual([session.view().model.layers, session.view().model.heads, session.view().model.embd], [L, H, d]);
      assert.deepEqual(PRESETS.map((p) => presetOnModel(p, shape.model).layer), shape.presetLayers);
      const preset = PRESETS.find((p) => p.head === 11)!;
      const opened = await ExplorerSession.create(model, tokenizer, { sentence: { id: preset.id, text: preset.text, source: 'preset' }, defaults: preset });
      assert.deepEqual(opened.view().defaults, presetOnModel(preset, shape.model));
      assert.equal(opened.view().defaults.head, Math.min(11, H - 1));
      opened.dispose();
    });

    it('the last layer and head: attention and Q/K/V agree with the reference; the lens has every layer', async () => {
      const ids = session.view().tokens.map((t) => t.id);
      const T = ids.length;
      const expected = referenceForward(loadReferenceModel(dir), ids);
      const attention = await session.attention(L - 1, H - 1);
      assert.equal(attention.size, T);
      const start = ((L - 1) * H + (H - 1)) * T * T;
      assert.ok(maxAbsDiff(attention.weights, expected.attention.subarray(start, start + T * T)) < TOLERANCE);
      const qkv = session.qkv(L - 1, H - 1, T - 1);
      const dh = d / H;
      const at = (((L - 1) * H + (H - 1)) * T + (T - 1)) * dh;
      assert.ok(maxAbsDiff(qkv.q, expected.q.subarray(at, at + dh)) < TOLERANCE);
      const middle = Math.floor(L / 2);
      const lens = await session.lens(middle, T - 1, ids[T - 1]);
      const reference = softmax(referenceLens(loadReferenceModel(dir), expected.hidden.subarray((middle * T + T - 1) * d, (middle * T + T) * d), 1));
      assert.deepEqual(lens.top.map((c) => c.id), topK(reference, 10));
      assert.equal(lens.track!.probs.length, L + 1);
    });

    it('the projection has a frame for every layer, and every view passes the protocol checks', async () => {
      const projection = session.projection();
      const T = session.view().tokens.length;
      assert.deepEqual([projection.layers, projection.tokens, projection.points.length], [L + 1, T, (L + 1) * T * 2]);
      assert.ok(projection.points.every(Number.isFinite));
      const messages: HostMessage[] = [
        { type: 'session', session: session.view(), projection },
        { type: 'attention', view: await session.attention(L - 1, H - 1) },
        { type: 'qkv', view: session.qkv(L - 1, H - 1, T - 1) },
        { type: 'lens', view: await session.lens(L, T - 1, 50256) },
      ];
      for (const message of messages) assert.ok(parseHostMessage(JSON.parse(JSON.stringify(message))).ok, message.type);
    });
  });
}
