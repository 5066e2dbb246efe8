// The reference model as the engine's 8-bit mode sees it: every matrix int8Matrices() lists replaced
// by what its 8-bit weights decode to. The embedding lookup keeps fp32 wte; the unembedding reads
// the decoded wte as an untied lm_head.weight.
import { INT8, int8Matrices } from '../../src/engine/graph';
import { dequantize, quantize } from '../../src/engine/quantize';
import type { ReferenceModel } from './reference';

export function quantizedReference(model: ReferenceModel): ReferenceModel {
  const tensors = new Map(model.tensors);
  for (const graph of ['transformer', 'lmHead'] as const) {
    for (const { name, K, N, layout } of int8Matrices(model.config, graph)) {
      const decoded = dequantize(quantize(model.tensors.get(name)!, K, N, layout, INT8), K, N, layout, INT8);
      tensors.set(name === 'wte.weight' ? 'lm_head.weight' : name, decoded);
    }
  }
  return { config: model.config, tensors };
}
