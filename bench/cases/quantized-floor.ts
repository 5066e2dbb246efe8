// The floor chain again with weights quantized for com.microsoft MatMulNBits (8 and 4 bits): a
// step streams 1/4 or 1/8 of the fp32 bytes, so on a memory-bound machine this is the lever that
// could take a step below the fp32 floor. Built with onnx-proto directly, as a bare chain of products.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { time } from '../harness/stats';
import { quantize, type QuantizeOptions, type Quantized } from '../../src/engine/quantize';
import type { Gpt2Config } from '../../src/engine/types';
import { openBenchWeights, WEIGHTS_FILE } from './weights';

const { DataType } = onnx.TensorProto;
const BLOCK = 32;
const ACCURACY_LEVEL = 4; // int8 activations: MLAS's fastest CPU path for MatMulNBits

/** Float32 values of one F32 tensor of the safetensors file, read from the disk one at a time (gpt2-xl's 6.4 GB never sit in memory at once). */
export function tensorReader(fd: number, locate: (name: string) => { offset: number; length: number }) {
  return (name: string): Float32Array => {
    const { offset, length } = locate(name);
    const bytes = new Uint8Array(length);
    for (let done = 0; done < length; ) done += readSync(fd, bytes, done, length - done, offset + done);
    return new Float32Array(bytes.buffer);
  };
}

function matMulNBits(nodes: onnx.INodeProto[], inits: onnx.ITensorProto[], x: string, name: string, K: number, N: number, q: Quantized, options: QuantizeOptions): string {
  const blocks = K / options.block;
  inits.push({ name: `${name}.B`, dataType: DataType.UINT8, dims: [N, blocks, (options.block * options.bits) / 8], rawData: q.blob });
  inits.push({ name: `${name}.scales`, dataType: DataType.FLOAT, dims: [N * blocks], rawData: new Uint8Array(q.scales.buffer) });
  const ints = (key: string, i: number): onnx.IAttributeProto => ({ name: key, type: onnx.AttributeProto.AttributeType.INT, i });
  nodes.push({
    opType: 'MatMulNBits',
    domain: 'com.microsoft',
    name,
    input: [x, `${name}.B`, `${name}.scales`],
    output: [name],
    attribute: [ints('K', K), ints('N', N), ints('bits', options.bits), ints('block_size', options.block), ints('accuracy_level', ACCURACY_LEVEL)],
  });
  return name;
}

async function buildQuantizedFloor(context: CaseContext, bits: 4 | 8): Promise<{ model: Uint8Array; weightBytes: number }> {
  const { config, source } = await openBenchWeights(context.modelDir);
  const locate = (name: string) => source(name) as { offset: number; length: number };
  const fd = openSync(join(context.modelDir, WEIGHTS_FILE), 'r');
  const read = tensorReader(fd, locate);
  try {
    return quantizedChain(config, read, bits);
  } finally {
    closeSync(fd);
  }
}

function quantizedChain(config: Gpt2Config, read: (name: string) => Float32Array, bits: 4 | 8): { model: Uint8Array; weightBytes: number } {
  const options: QuantizeOptions = { bits, block: BLOCK };
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const { nEmbd: d, vocabSize: V } = config;
  const int64 = (name: string, value: number) => inits.push({ name, dataType: DataType.INT64, dims: [1], int64Data: [value] });
  int64('zero', 0);
  int64('width', d);
  int64('one', 1);
  const conv1d = (x: string, name: string, K: number, N: number) => {
    const w = read(`${name}.weight`); // [K, N]
    return matMulNBits(nodes, inits, x, name, K, N, quantize(w, K, N, 'kn', options), options);
  };
  let x = 'x';
  for (let layer = 0; layer < config.nLayer; layer++) {
    const qkv = conv1d(x, `h.${layer}.attn.c_attn`, d, 3 * d);
    nodes.push({ opType: 'Slice', name: `h.${layer}.q`, input: [qkv, 'zero', 'width', 'one'], output: [`h.${layer}.q`] });
    const attn = conv1d(`h.${layer}.q`, `h.${layer}.attn.c_proj`, d, d);
    x = conv1d(conv1d(attn, `h.${layer}.mlp.c_fc`, d, 4 * d), `h.${layer}.mlp.c_proj`, 4 * d, d);
  }
  const wte = read('wte.weight'); // [V, d]: already one row per output column
  const logits = matMulNBits(nodes, inits, x, 'unembed', d, V, quantize(wte, d, V, 'nk', options), options);
  const weightBytes = inits.reduce((sum, tensor) => sum + (tensor.rawData?.length ?? 0), 0);
  const floatInfo = (name: string, dims: number[]): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } });
  const graph: onnx.IGraphProto = { name: `floor-int${bits}`, node: nodes, initializer: inits, input: [floatInfo('x', [1, d])], output: [floatInfo(logits, [1, V])] };
  const opsetImport = [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }];
  return { model: onnx.ModelProto.encode({ irVersion: 8, opsetImport, producerName: 'gpt2-explorer-bench', graph }).finish(), weightBytes };
}

/** The quantized chain on onnxruntime-node, with the engine's threading, and its input at the model's width. */
export async function openQuantizedFloor(context: CaseContext, bits: 4 | 8, config: Record<string, string> = {}) {
  const graph = await buildQuantizedFloor(context, bits);
  const session = await ort.InferenceSession.create(graph.model, { intraOpNumThreads: context.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', extra: { session: config } });
  const width = (await openBenchWeights(context.modelDir)).config.nEmbd;
  const feeds = { x: new ort.Tensor('float32', new Float32Array(width).map((_, i) => Math.sin(i)), [1, width]) };
  return { session, feeds, weightBytes: graph.weightBytes };
}

export function quantizedFloor(bits: 4 | 8) {
  return async (context: CaseContext): Promise<CaseResult> => {
    const result = emptyResult();
    const { session, feeds, weightBytes } = await openQuantizedFloor(context, bits);
    const name = `floor_int${bits}_step`;
    result.timings[name] = await time(() => session.run(feeds), { repeats: context.repeats * 4, warmup: 3 });
    result.values[`floor_int${bits}_weight_bytes`] = weightBytes;
    await session.release();
    return result;
  };
}
