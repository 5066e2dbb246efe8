// The session at GPT-2 small's shape (12 layers, 12 heads, 768 wide) on the generated model cached
// in .test-models/: every preset with its own Layer/Head, views of the right sizes, and a prompt
// long enough that the projection is fitted in d-space (more rows than dimensions).
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PRESETS } from '../../src/explorer/presets';
import { ExplorerSession } from '../../src/explorer/session';
import { FULL_SIZE, testModel } from '../engine/models';

describe('ExplorerSession at GPT-2 small size', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;

  before(async function () {
    const dir = await testModel(FULL_SIZE);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir), Gpt2Tokenizer.fromModelDir(dir)]);
  });
  after(async () => model?.dispose());

  it('opens every preset on its own Layer/Head, with views of GPT-2 small\'s sizes', async function () {
    for (const preset of PRESETS) {
      const session = await ExplorerSession.create(model, tokenizer, { sentence: { id: preset.id, text: preset.text, source: 'preset' }, defaults: preset });
      try {
        const view = await session.step();
        const T = view.tokens.length;
        assert.deepEqual(view.defaults, { layer: preset.layer, head: preset.head }, preset.id);
        assert.equal(view.model.name, 'GPT-2 124M');
        const attention = await session.attention(preset.layer, preset.head);
        assert.equal(attention.weights.length, T * T);
        for (let q = 0; q < T; q++) {
          const rowSum = attention.weights.slice(q * T, (q + 1) * T).reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(rowSum - 1) < 1e-4, `${preset.id}: attention row ${q} sums to ${rowSum}`);
        }
        const qkv = session.qkv(11, 11, T - 1);
        assert.ok([qkv.q, qkv.k, qkv.v].every((vector) => vector.length === 64 && vector.every(Number.isFinite)));
        const lens = await session.lens(12, T - 1, view.next.top[0].id);
        assert.equal(lens.track!.probs.length, 13);
        const projection = session.projection();
        assert.equal(projection.points.length, 13 * T * 2);
        assert.ok(projection.points.every(Number.isFinite), preset.id);
      } finally {
        session.dispose();
      }
    }
  });

  it('fits the projection of a long prompt (more rows than dimensions) deterministically, with finite points', async function () {
    const text = Array.from({ length: 80 }, (_, i) => `item ${i},`).join(' '); // ≈ 240 tokens: 13 × 240 rows > 768
    const [a, b] = [await ExplorerSession.create(model, tokenizer, { sentence: { id: 'long', text, source: 'custom' } }), await ExplorerSession.create(model, tokenizer, { sentence: { id: 'long', text, source: 'custom' } })];
    try {
      const projection = a.projection();
      assert.ok(projection.tokens > 768 / 13, `only ${projection.tokens} tokens`);
      assert.ok(projection.points.every(Number.isFinite));
      assert.deepEqual(b.projection(), projection);
      const spread = (axis: number) => Math.max(...projection.points.filter((_, i) => i % 2 === axis)) - Math.min(...projection.points.filter((_, i) => i % 2 === axis));
      assert.ok(spread(0) > 0 && spread(1) > 0, 'the dots spread along both axes');
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
