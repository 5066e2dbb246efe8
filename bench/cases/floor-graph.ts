// The floor of a decode step: only the matrix products that stream GPT-2's weights, nothing else.
// Per block: x·c_attn [768×2304], then (attention stood in for by taking the first 768 columns)
// ·attn.c_proj [768×768], ·mlp.c_fc [768×3072], ·mlp.c_proj [3072×768]; then the tied unembedding
// as Gemm(x, wte, transB=1) [768×50,257]. No norms, no softmax, no extra outputs. The weights are
// the generated model's own, read by ORT straight from model.safetensors.
import { onnx } from 'onnx-proto';
import type { TensorLocation } from './safetensors-index';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export interface FloorGraph {
  model: Uint8Array; // ModelProto bytes
  weightBytes: number; // bytes every run must read
}

export function buildFloorGraph(index: Map<string, TensorLocation>, weightsFile: string, layers: number): FloorGraph {
  const width = tensor(index, 'wte.weight').shape[1];
  const nodes: onnx.INodeProto[] = [];
  const used: string[] = [];
  const weight = (name: string): string => (used.push(name), name);
  let x = 'x'; // [1, d]
  for (let layer = 0; layer < layers; layer++) {
    const at = (suffix: string): string => `h.${layer}.${suffix}`;
    nodes.push(node('MatMul', [x, weight(at('attn.c_attn.weight'))], [at('qkv')])); // [1, 3d]
    nodes.push(node('Slice', [at('qkv'), 'zero', 'width', 'one'], [at('q')])); // [1, d]
    nodes.push(node('MatMul', [at('q'), weight(at('attn.c_proj.weight'))], [at('attn')])); // [1, d]
    nodes.push(node('MatMul', [at('attn'), weight(at('mlp.c_fc.weight'))], [at('fc')])); // [1, 4d]
    nodes.push(node('MatMul', [at('fc'), weight(at('mlp.c_proj.weight'))], [at('out')])); // [1, d]
    x = at('out');
  }
  nodes.push(node('Gemm', [x, weight('wte.weight')], ['logits'], [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]));
  const initializers = [
    ...used.map((name) => external(name, tensor(index, name), weightsFile)),
    int64('zero', [0]),
    int64('width', [width]),
    int64('one', [1]),
  ];
  const graph: onnx.IGraphProto = {
    name: 'floor',
    node: nodes,
    initializer: initializers,
    input: [valueInfo('x', [1, width])],
    output: [valueInfo('logits', [1, tensor(index, 'wte.weight').shape[0]])],
  };
  const model = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'gpt2-explorer-bench', graph }).finish();
  const weightBytes = used.reduce((sum, name) => sum + tensor(index, name).length, 0);
  return { model, weightBytes };
}

function tensor(index: Map<string, TensorLocation>, name: string): TensorLocation {
  const found = index.get(name);
  if (!found) throw new Error(`weights file has no tensor "${name}"`);
  return found;
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, name: output[0], attribute };
}

function external(name: string, location: TensorLocation, file: string): onnx.ITensorProto {
  return {
    name,
    dataType: FLOAT,
    dims: location.shape,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: file },
      { key: 'offset', value: String(location.offset) },
      { key: 'length', value: String(location.length) },
    ],
  };
}

function int64(name: string, values: number[]): onnx.ITensorProto {
  return { name, dataType: INT64, dims: [values.length], int64Data: values };
}

function valueInfo(name: string, dims: number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}
