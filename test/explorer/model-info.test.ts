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
    assert.deepEqual(describeModel(SMALL, 'int8'), { name: 'GPT-2 124M, 8-bit weights', layers: 12, heads: 12, embd: 768, vocab: 50257, positions: 1024 });
  });
});
