// The floor of a decode step: only the matrix products that stream GPT-2's weights, nothing else.
// Per block: x·c_attn [768×2304], then (attention stood in for by taking the first 768 columns)
// ·attn.c_proj [768×768], ·mlp.c_fc [768×3072], ·mlp.c_proj [3072×768]; then the tied unembedding
// as Gemm(x, wte, transB=1) [768×50,257]. No biases, norms, softmax or extra outputs. The weights
// are the bench model's own, read by ORT straight from model.safetensors.
import { OPSET } from '../../src/engine/graph';
import { gpt2TensorShapes } from '../../src/engine/gpt2-weights';
import { GraphBuilder } from '../../src/engine/onnx-builder';
import type { BenchWeights } from './weights';

export interface FloorGraph {
  model: Uint8Array; // ModelProto bytes
  weightBytes: number; // bytes every run must read
  width: number; // its input x: [1, width]
}

/** The blocks' products as MatMul (the issue's floor) or as Gemm without bias (the operator our graph runs). */
export type FloorOp = 'MatMul' | 'Gemm';

export function buildFloorGraph({ config, source, bytes }: BenchWeights, op: FloorOp = 'MatMul'): FloorGraph {
  const graph = new GraphBuilder();
  const shapes = gpt2TensorShapes(config);
  let weightBytes = 0;
  const weight = (name: string): string => {
    weightBytes += bytes(name);
    return graph.weight(name, shapes.get(name)!, source(name));
  };
  const { nEmbd: d, vocabSize: V } = config;
  const [zero, end, axis] = [graph.int64s([0]), graph.int64s([d]), graph.int64s([1])];
  let x = graph.input('x', 'float', [1, d]);
  for (let layer = 0; layer < config.nLayer; layer++) {
    const at = (suffix: string): string => `h.${layer}.${suffix}`;
    const qkv = graph.op(op, [x, weight(at('attn.c_attn.weight'))], {}, at('qkv')); // [1, 3d]
    const q = graph.op('Slice', [qkv, zero, end, axis], {}, at('q')); // [1, d]
    const attn = graph.op(op, [q, weight(at('attn.c_proj.weight'))], {}, at('attn')); // [1, d]
    const fc = graph.op(op, [attn, weight(at('mlp.c_fc.weight'))], {}, at('fc')); // [1, 4d]
    x = graph.op(op, [fc, weight(at('mlp.c_proj.weight'))], {}, at('mlp')); // [1, d]
  }
  const logits = graph.op('Gemm', [x, weight('wte.weight')], { transB: 1 }, 'unembed'); // [1, V]
  graph.output('logits', logits, 'float', [1, V]);
  return { model: graph.toBytes('floor', OPSET), weightBytes, width: d };
}
