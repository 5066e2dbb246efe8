// What the Generation panel says about the loaded model.
import type { Gpt2Config, WeightsMode } from '../engine/types';
import type { ModelInfo } from '../protocol/views';

/**
 * GPT-2 small's shape is named as such; any other shape is a generated test model. With the opt-in
 * 8-bit weights the name says so: every number shown is then the 8-bit model's.
 */
export function describeModel(config: Gpt2Config, weights: WeightsMode = 'float32'): ModelInfo {
  const { nLayer, nHead, nEmbd, vocabSize, nPositions } = config;
  const small = nLayer === 12 && nHead === 12 && nEmbd === 768 && vocabSize === 50257;
  const name = small ? 'GPT-2 124M' : `test model (${nLayer} layers, ${nEmbd} wide)`;
  return { name: weights === 'int8' ? `${name}, 8-bit weights` : name, layers: nLayer, heads: nHead, embd: nEmbd, vocab: vocabSize, positions: nPositions };
}
