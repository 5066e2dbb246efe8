// What the Generation panel says about the loaded model.
import { knownShape } from '../engine/known-models';
import type { Gpt2Config, WeightsMode } from '../engine/types';
import type { ModelInfo } from '../protocol/views';

/**
 * The family's shapes are named as such (GPT-2 124M, DistilGPT-2 82M, GPT-2 medium 355M…); any other
 * shape is a generated test model. With the opt-in 8-bit weights the name says so: every number
 * shown is then the 8-bit model's.
 */
export function describeModel(config: Gpt2Config, weights: WeightsMode = 'float32'): ModelInfo {
  const { nLayer, nHead, nEmbd, vocabSize, nPositions } = config;
  const name = knownShape(config)?.name ?? `test model (${nLayer} layers, ${nEmbd} wide)`;
  return { name: weights === 'int8' ? `${name}, 8-bit weights` : name, layers: nLayer, heads: nHead, embd: nEmbd, vocab: vocabSize, positions: nPositions, weights };
}
