// Seeded random GPT-2 checkpoints in the exact Hugging Face layout (config.json, model.safetensors
// with the causal attn.bias buffers, tokenizer.json), at any size. Streamed to disk tensor by
// tensor, so the full GPT-2-small shape takes seconds and little memory. Same options → same bytes.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GPT2_SMALL_CONFIG, toConfigJson } from './config';
import { gpt2TensorShapes } from './gpt2-weights';
import { SeededRandom } from './random';
import { floatToBfloat16, floatToHalf } from './safetensors';
import { f32Bytes, writeSafetensors } from './safetensors-writer';
import { bundledModelDir } from './tokenizer';
import type { Gpt2Config } from './types';

export type TestModelDtype = 'f32' | 'f16' | 'bf16';

export interface TestModelOptions {
  seed?: number; // default 1
  nLayer?: number; // defaults: GPT-2 small (12 layers, 12 heads, 768 wide, 1,024 positions)
  nHead?: number;
  nEmbd?: number;
  nPositions?: number;
  dtype?: TestModelDtype; // of the weights; default f32
  favourToken?: number; // make this token the most likely next token at every position
  prefix?: boolean; // store names as "transformer.h.0…" (some checkpoints do); default false
  masks?: boolean; // store the causal h.N.attn.bias buffers (the original gpt2 file does, transformers' own tiny checkpoints do not); default true
}

/** Bumped whenever the same options would give different bytes (caches of test models key on it). */
export const TEST_MODEL_VERSION = 2;
const CHUNK = 1 << 20; // values generated and written at a time
const DTYPE_NAMES = { f32: 'F32', f16: 'F16', bf16: 'BF16' } as const;

/** Writes config.json, model.safetensors and the tokenizer files into dir; returns the config. */
export async function writeTestModel(dir: string, options: TestModelOptions = {}): Promise<Gpt2Config> {
  const config: Gpt2Config = {
    ...GPT2_SMALL_CONFIG,
    nLayer: options.nLayer ?? GPT2_SMALL_CONFIG.nLayer,
    nHead: options.nHead ?? GPT2_SMALL_CONFIG.nHead,
    nEmbd: options.nEmbd ?? GPT2_SMALL_CONFIG.nEmbd,
    nPositions: options.nPositions ?? GPT2_SMALL_CONFIG.nPositions,
  };
  if (config.nEmbd % config.nHead !== 0) throw new Error(`--embd ${config.nEmbd} is not a multiple of --heads ${config.nHead}`);
  const favour = options.favourToken;
  if (favour !== undefined && !(Number.isInteger(favour) && favour >= 0 && favour < config.vocabSize)) {
    throw new Error(`favour token ${favour} is not a token id (0..${config.vocabSize - 1})`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(toConfigJson(config), null, 2) + '\n');
  await writeModelFile(join(dir, 'model.safetensors'), plan(config, options));
  await copyTokenizer(dir);
  return config;
}

/** How one tensor is filled: `fill(chunk, start)` writes values start.. of the flattened tensor, in order. */
interface TensorPlan {
  name: string;
  shape: number[];
  dtype: 'F32' | 'F16' | 'BF16';
  fill: (chunk: Float32Array, start: number) => void;
}

/**
 * The weights, scaled so the test model behaves visibly: logits with a spread of ≈ 4 (so the top
 * token is far above 1/V), attention scores with a spread of ≈ 2, and each block adding about as
 * much to the residual stream as the embeddings hold (so hidden states move from layer to layer).
 */
function plan(config: Gpt2Config, options: TestModelOptions): TensorPlan[] {
  const seed = options.seed ?? 1;
  const d = config.nEmbd;
  const dtype = DTYPE_NAMES[options.dtype ?? 'f32'];
  const embedding = 4 / Math.sqrt(d); // std of wte: logits = ln_f(x)·wte has std ≈ 4
  const init = (name: string): TensorPlan['fill'] => {
    const spread = (std: number) => uniform(`${seed}:${name}`, std);
    if (name === 'wte.weight') return favoured(spread(embedding), options.favourToken, d);
    if (name === 'wpe.weight') return spread(embedding / 2);
    if (name === 'ln_f.weight' && options.favourToken !== undefined) return constant(0.01);
    if (name === 'ln_f.bias' && options.favourToken !== undefined) return favourBias(`${seed}:wte.weight`, embedding, options.favourToken, d);
    if (/ln_\w+\.weight$/.test(name)) return around(1, spread(0.1));
    if (name.endsWith('.bias')) return spread(0.02);
    if (name.endsWith('c_attn.weight')) return spread(1.5 / Math.sqrt(d)); // q, k ≈ 1.5 each
    if (name.endsWith('attn.c_proj.weight')) return spread((1.2 * embedding) / Math.sqrt(d));
    if (name.endsWith('c_fc.weight')) return spread(1 / Math.sqrt(d));
    if (name.endsWith('mlp.c_proj.weight')) return spread((1.2 * embedding) / (0.6 * Math.sqrt(4 * d))); // GELU output std ≈ 0.6
    throw new Error(`test model: no initialiser for ${name}`);
  };
  const prefix = options.prefix ? 'transformer.' : '';
  const tensors: TensorPlan[] = [...gpt2TensorShapes(config)].map(([name, shape]) => ({ name: prefix + name, shape, dtype, fill: init(name) }));
  for (let i = 0; options.masks !== false && i < config.nLayer; i++) {
    const n = config.nPositions;
    tensors.push({ name: `${prefix}h.${i}.attn.bias`, shape: [1, 1, n, n], dtype: 'F32', fill: causalMask(n) });
  }
  return tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // Hugging Face's order
}

/** Uniform values with the given standard deviation, from a stream seeded by `key`. */
function uniform(key: string, std: number): TensorPlan['fill'] {
  const next = prng(key);
  const halfWidth = std * Math.sqrt(3);
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) chunk[i] = (2 * next() - 1) * halfWidth;
  };
}

function around(centre: number, noise: TensorPlan['fill']): TensorPlan['fill'] {
  return (chunk, start) => {
    noise(chunk, start);
    for (let i = 0; i < chunk.length; i++) chunk[i] += centre;
  };
}

function constant(value: number): TensorPlan['fill'] {
  return (chunk) => chunk.fill(value);
}

/** wte with the favoured token's row doubled, so its dot product with itself stands out. */
function favoured(base: TensorPlan['fill'], token: number | undefined, d: number): TensorPlan['fill'] {
  return (chunk, start) => {
    base(chunk, start);
    if (token === undefined) return;
    for (let i = Math.max(start, token * d); i < Math.min(start + chunk.length, (token + 1) * d); i++) chunk[i - start] *= 2;
  };
}

/**
 * ln_f bias = 20 · w / |w|², with w the favoured (doubled) wte row: with ln_f's weight ≈ 0 the final
 * vector is ≈ this bias, so the favoured token's logit is 20 and every other one far lower.
 */
function favourBias(wteKey: string, std: number, token: number, d: number): TensorPlan['fill'] {
  const wte = new Float32Array(d);
  const stream = uniform(wteKey, std);
  const skip = new Float32Array(Math.min(CHUNK, token * d || 1));
  for (let done = 0; done < token * d; done += skip.length) stream(skip.subarray(0, Math.min(skip.length, token * d - done)), done);
  stream(wte, token * d);
  const norm2 = wte.reduce((sum, x) => sum + 4 * x * x, 0);
  return (chunk, start) => {
    for (let i = 0; i < chunk.length; i++) chunk[i] = (20 * 2 * wte[start + i]) / norm2;
  };
}

/** The lower-triangular ones Hugging Face stores as h.N.attn.bias [1, 1, n, n]. */
function causalMask(n: number): TensorPlan['fill'] {
  return (chunk, start) => {
    for (let i = 0; i < chunk.length; i++) {
      const flat = start + i;
      chunk[i] = flat % n <= Math.floor(flat / n) ? 1 : 0;
    }
  };
}

/** SeededRandom (mulberry32) seeded with a string hash (FNV-1a): a small, fast, reproducible stream in [0, 1). */
function prng(key: string): () => number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  const random = new SeededRandom(hash >>> 0);
  return () => random.next();
}

/** Each tensor generated and written a chunk at a time. */
function writeModelFile(file: string, tensors: TensorPlan[]): Promise<void> {
  const toWrite = tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, chunks: () => generate(t) }));
  return writeSafetensors(file, toWrite, { format: 'pt', generator: `gpt2-explorer test model v${TEST_MODEL_VERSION}` });
}

function* generate(t: TensorPlan): Iterable<Uint8Array> {
  const total = count(t.shape);
  const values = new Float32Array(Math.min(CHUNK, total));
  for (let start = 0; start < total; start += values.length) {
    const chunk = values.subarray(0, Math.min(values.length, total - start));
    t.fill(chunk, start);
    yield encode(chunk, t.dtype);
  }
}

function encode(values: Float32Array, dtype: TensorPlan['dtype']): Uint8Array {
  if (dtype === 'F32') return f32Bytes(values);
  const bits = new Uint16Array(values.length);
  const convert = dtype === 'F16' ? floatToHalf : floatToBfloat16;
  for (let i = 0; i < values.length; i++) bits[i] = convert(values[i]);
  return new Uint8Array(bits.buffer);
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The tokenizer files from models/gpt2, so the model folder is complete on its own. */
async function copyTokenizer(dir: string): Promise<void> {
  const source = bundledModelDir();
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    if (existsSync(join(source, name))) await copyFile(join(source, name), join(dir, name));
  }
}
