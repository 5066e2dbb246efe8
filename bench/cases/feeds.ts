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

/**
 * input_ids, past_length and the past keys/values: a previous run's k and v outputs ([L, H, P, dh], a
 * prompt of P tokens), each layer's as a cache of capacity P, or empty [1, H, 0, dh] ones.
 */
export function transformerFeeds(Tensor: TensorClass, config: Gpt2Config, ids: number[], past?: Record<string, Tensor>): Record<string, Tensor> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const P = past === undefined ? 0 : (past.k.dims[2] as number);
  const layer = (name: 'k' | 'v', i: number) => {
    const size = H * P * (d / H);
    return new Tensor('float32', past === undefined ? new Float32Array(0) : (past[name].data as Float32Array).subarray(i * size, (i + 1) * size), [1, H, P, d / H]);
  };
  const feeds: Record<string, Tensor> = {
    input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    past_length: new Tensor('int64', BigInt64Array.of(BigInt(P)), [1]),
  };
  for (let i = 0; i < L; i++) {
    feeds[`past_key.${i}`] = layer('k', i);
    feeds[`past_value.${i}`] = layer('v', i);
  }
  return feeds;
}

/** The lm_head's input for the next token: the last d values of the transformer's hidden [L+1, T, d]. */
export function lastResidual(Tensor: TensorClass, config: Gpt2Config, out: Record<string, Tensor>): Tensor {
  const hidden = out.hidden.data as Float32Array;
  return new Tensor('float32', hidden.slice(hidden.length - config.nEmbd), [1, config.nEmbd]);
}
