// What the Generation panel says about the loaded model.
import type { Gpt2Config } from '../engine/types';
import type { ModelInfo } from './views';

/** GPT-2 small's shape is named as such; any other shape is a generated test model. */
export function describeModel(config: Gpt2Config): ModelInfo {
  const { nLayer, nHead, nEmbd, vocabSize, nPositions } = config;
  const small = nLayer === 12 && nHead === 12 && nEmbd === 768 && vocabSize === 50257;
  return { name: small ? 'GPT-2 124M' : `test model (${nLayer} layers, ${nEmbd} wide)`, layers: nLayer, heads: nHead, embd: nEmbd, vocab: vocabSize, positions: nPositions };
}
