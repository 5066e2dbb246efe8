// The model line of the Generation panel and the status bar: GPT-2 small by name, and whether its
// numbers come from the opt-in 8-bit weights.
import assert from 'node:assert/strict';
import { describeModel } from '../../src/explorer/model-info';

const SMALL = { nLayer: 12, nHead: 12, nEmbd: 768, vocabSize: 50257, nPositions: 1024, layerNormEpsilon: 1e-5 };

describe('describeModel', () => {
  it('names GPT-2 small and test models, and says "8-bit weights" only when they run', () => {
    assert.equal(describeModel(SMALL).name, 'GPT-2 124M');
    assert.equal(describeModel(SMALL, 'float32').name, 'GPT-2 124M');
    assert.equal(describeModel(SMALL, 'int8').name, 'GPT-2 124M, 8-bit weights');
    assert.equal(describeModel({ ...SMALL, nLayer: 2, nEmbd: 64 }, 'int8').name, 'test model (2 layers, 64 wide), 8-bit weights');
    assert.deepEqual(describeModel(SMALL, 'int8'), { name: 'GPT-2 124M, 8-bit weights', layers: 12, heads: 12, embd: 768, vocab: 50257, positions: 1024, weights: 'int8' });
  });

  it('names the rest of the family by shape', () => {
    const names = [[6, 12, 768], [24, 16, 1024], [36, 20, 1280], [48, 25, 1600], [24, 16, 64]].map(([nLayer, nHead, nEmbd]) => describeModel({ ...SMALL, nLayer, nHead, nEmbd }).name);
    assert.deepEqual(names, ['DistilGPT-2 82M', 'GPT-2 medium 355M', 'GPT-2 large 774M', 'GPT-2 XL 1.5B', 'test model (24 layers, 64 wide)']);
  });
});
