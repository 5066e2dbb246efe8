import assert from 'node:assert/strict';
import { readSafetensorsHeader } from '../../src/engine/safetensors';
import { readGpt2Config } from '../../src/engine/config';
import { estimateMemory, memoryShortfall, weightsBytes } from '../../src/engine/memory';
import { knownModel } from '../../src/engine/known-models';
import { testModel, TINY } from './models';

describe('memory estimate', () => {
  it("counts the weights a checkpoint holds (its tensors without the mask buffers)", async () => {
    const dir = await testModel(TINY);
    const { tensors } = await readSafetensorsHeader(`${dir}/model.safetensors`);
    const stored = [...tensors.values()].filter((t) => !t.name.endsWith('.attn.bias')).reduce((sum, t) => sum + t.end - t.begin, 0);
    assert.equal(weightsBytes(await readGpt2Config(dir)), stored);
  });

  it('puts gpt2-xl at 6.2 GB of float32 weights and about a third of that in 8 bits; the views grow linearly with the tokens', () => {
    const c = knownModel('gpt2-xl')!.source.config as Record<string, number>;
    const xl = { nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd, vocabSize: c.vocab_size, nPositions: c.n_positions, layerNormEpsilon: 1e-5 };
    const [f32, int8] = [estimateMemory(xl), estimateMemory(xl, 'int8')];
    assert.ok(Math.abs(f32.weights / 1e9 - 6.23) < 0.01, String(f32.weights));
    assert.ok(int8.weights < f32.weights / 2.5 && int8.weights > f32.weights / 4, String(int8.weights));
    assert.equal(f32.total, f32.weights + f32.working + f32.views);
    // Linear in the tokens (hidden states and Q/K/V per position), plus one head's [T, T] pattern: not L·H of them.
    const [short, long] = [estimateMemory(xl, 'float32', 128).views, estimateMemory(xl, 'float32', 1024).views];
    assert.ok(long > 8 * short && long < 8.5 * short, `${long / short}`);
  });

  it('says when float32 does not fit the free memory, and what the 8-bit weights need', async () => {
    const config = await readGpt2Config(await testModel(TINY));
    const need = estimateMemory(config).total;
    assert.equal(memoryShortfall(config, need), undefined);
    assert.match(memoryShortfall(config, need - 1)!, /^this model needs about 0\.\d GB of memory with float32 weights, and 0\.\d GB is free; with 8-bit weights it needs about 0\.\d GB$/);
  });
});
