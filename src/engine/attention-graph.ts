// One head's whole attention pattern, on demand: a weightless graph with the transformer's own
// Attention node (opset 23, same kernel, same scale 1/√dh) on the queries and keys a prompt pass
// saved. The transformer keeps only the last query's row per head (graph.ts); the [T, T] map of the
// layer and head in view is computed here when it is looked at, so the numbers are still the model's.
import { OPSET } from './graph';
import { GraphBuilder } from './onnx-builder';

/**
 * q [1, H, T, dh] and k [1, H, T, dh] (H heads of one layer, positions 0..T-1) → weights [H, T, T],
 * causal, softmaxed. One head is H = 1; the heads grid asks for a layer's heads in one run.
 */
export function buildAttentionMap(headWidth: number): Uint8Array {
  const g = new GraphBuilder();
  const q = g.input('q', 'float', [1, 'H', 'T', headWidth]);
  const k = g.input('k', 'float', [1, 'H', 'T', headWidth]);
  // Attention needs values; the weights do not depend on them, so a one-wide slice of k serves.
  const v = g.op('Slice', [k, g.int64s([0]), g.int64s([1]), g.int64s([3])], {}, 'v'); // [1, H, T, 1]
  const outputs = g.opMulti('Attention', [q, k, v], 4, { is_causal: 1, qk_matmul_output_mode: 3 }, 'attention');
  // [1, H, T, T] → [H, T, T], H and T read from k: ORT infers the weights' key length as 0 and would warn on every run (graph.ts's withLength).
  const heads = g.op('Shape', [k], { start: 1, end: 2 }, 'heads');
  const length = g.op('Shape', [k], { start: 2, end: 3 }, 'length');
  g.output('weights', g.op('Reshape', [outputs[3], g.op('Concat', [heads, length, length], { axis: 0 })]), 'float', ['H', 'T', 'T']);
  return g.toBytes('gpt2-attention-map', OPSET);
}
