// How much memory a model will take, said before it is loaded: the weights in the dtype they run in,
// ORT's working set (the KV cache and one pass's activations) and what the views keep (the trace of
// every layer's hidden states, attention and Q/K/V), for a session of `tokens` tokens.
import { freemem } from 'node:os';
import { gpt2TensorShapes } from './gpt2-weights';
import type { Gpt2Config, WeightsMode } from './types';

export interface MemoryEstimate {
  weights: number; // bytes
  working: number; // ORT: KV cache, activations, its own runtime
  views: number; // the explorer's trace
  total: number;
}

/** A session as the explorer usually holds one: a prompt and some generated tokens. */
export const ESTIMATE_TOKENS = 128;
const RUNTIME_BYTES = 200e6; // ORT and the worker themselves, measured on GPT-2 small: ≈ 150–200 MB
const INT8_BYTES = 1 + 4 / 32; // MatMulNBits: one byte a weight plus a float32 scale per block of 32

/** The parameters' bytes; with 'int8', every block matrix in 8 bits, and an 8-bit copy of wte for the unembedding (its float32 rows stay for the lookup). */
export function weightsBytes(config: Gpt2Config, weights: WeightsMode = 'float32'): number {
  let bytes = weights === 'int8' ? config.vocabSize * config.nEmbd * INT8_BYTES : 0;
  for (const [name, shape] of gpt2TensorShapes(config)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const matrix = /^h\.\d+\.(attn|mlp)\.c_\w+\.weight$/.test(name);
    bytes += count * (weights === 'int8' && matrix ? INT8_BYTES : 4);
  }
  return bytes;
}

export function estimateMemory(config: Gpt2Config, weights: WeightsMode = 'float32', tokens = ESTIMATE_TOKENS): MemoryEstimate {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const T = Math.min(tokens, config.nPositions);
  const kv = 2 * L * T * d * 4;
  const activations = (4 * d + 3 * d + H * T) * T * 4 + config.vocabSize * 4 * 2; // the widest intermediates of one pass, and the logits
  const views = ((L + 1) * T * d + 3 * L * T * d + T * T) * 4; // hidden, q/k/v kept per position; one head's [T, T] pattern in view
  const w = weightsBytes(config, weights);
  const working = kv + activations + RUNTIME_BYTES;
  return { weights: w, working, views, total: w + working + views };
}

/** Bytes as the memory messages say them: "6.8 GB". */
export const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Memory the system can give now: the smaller of what is free and what a container allows this process. */
export function availableMemory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const free = freemem();
  return constrained > 0 ? Math.min(free, constrained - process.memoryUsage.rss()) : free;
}

/** What to say before loading float32 weights that do not fit the free memory, or undefined when they fit. */
export function memoryShortfall(config: Gpt2Config, available: number): string | undefined {
  const [float32, int8] = [estimateMemory(config, 'float32').total, estimateMemory(config, 'int8').total];
  if (float32 <= available) return undefined;
  return `this model needs about ${gb(float32)} of memory with float32 weights, and ${gb(Math.max(0, available))} is free; with 8-bit weights it needs about ${gb(int8)}`;
}
