// The inputs of our two graphs, for onnxruntime-node and onnxruntime-web alike: both take tensors of
// onnxruntime-common's shape, so each case passes its own runtime's Tensor class (importing one
// runtime here would load it into the other's process).
import type { Tensor, TypedTensor } from 'onnxruntime-common';
import type { Gpt2Config } from '../../src/engine/types';

/** The constructor both runtimes export as `Tensor`. */
export interface TensorClass {
  new (type: 'int64', data: BigInt64Array, dims: number[]): TypedTensor<'int64'>;
  new (type: 'float32', data: Float32Array, dims: number[]): TypedTensor<'float32'>;
}

/** input_ids plus the past keys/values: a previous run's present_* outputs, or empty [1, H, 0, dh]. */
export function transformerFeeds(Tensor: TensorClass, config: Gpt2Config, ids: number[], past?: Record<string, Tensor>): Record<string, Tensor> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const empty = () => new Tensor('float32', new Float32Array(0), [1, H, 0, d / H]);
  const feeds: Record<string, Tensor> = { input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
  for (let i = 0; i < L; i++) {
    feeds[`past_key.${i}`] = past?.[`present_key.${i}`] ?? empty();
    feeds[`past_value.${i}`] = past?.[`present_value.${i}`] ?? empty();
  }
  return feeds;
}

/** The lm_head's input for the next token: the last d values of the transformer's hidden [L+1, T, d]. */
export function lastResidual(Tensor: TensorClass, config: Gpt2Config, out: Record<string, Tensor>): Tensor {
  const hidden = out.hidden.data as Float32Array;
  return new Tensor('float32', hidden.slice(hidden.length - config.nEmbd), [1, config.nEmbd]);
}
