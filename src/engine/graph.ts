// GPT-2 as two ONNX graphs, block by block as in the paper and nanoGPT's model.py: the transformer
// (embeddings and the blocks, every internal exposed as an output) and the lm_head (ln_f and the
// tied unembedding). The lm_head is its own graph because two things need it: the model's next-token
// logits (the last position's residual after the last block) and the logit lens (any position's
// residual after any block). One session holding it means wte is packed for the matrix product once.
//
// "analyze" and "step" are the same transformer graph: at P = 0 (past tensors [1, H, 0, dh]) it reads
// a whole prompt; at P > 0 it continues from the keys/values of P earlier positions, held by the
// caller in a cache of capacity C ≥ P (kv-cache.ts) that the graph reads in place and never outputs.
// Position ids come from the graph itself: positions = Range(P, P + T), P the past_length input.
//
// Shapes: T new positions, P past positions, S = P + T, C the cache's capacity, d = n_embd, H heads,
// dh = d / H, V vocab.
// Weights keep their Hugging Face names; Conv1D weights are [in, out], so x @ W needs no transpose.
//
// With 8-bit weights (LoadOptions.weights 'int8'), every block's four matrix products and the
// unembedding are com.microsoft MatMulNBits on weights quantized at load (quantize.ts); biases,
// layer norms, attention and the embedding lookup (wte's fp32 rows) stay float32.
import { GraphBuilder, type WeightData } from './onnx-builder';
import { gpt2TensorShapes } from './gpt2-weights';
import type { MatrixLayout, Quantized, QuantizeOptions } from './quantize';
import type { Gpt2Config } from './types';

export const OPSET = 23; // the first with Attention

/** Where each weight's values come from, by name without the "transformer." prefix. */
export type WeightSource = (name: string) => WeightData;

/** The 8-bit weights of the matrices int8Matrices() lists, by name: MatMulNBits' B and scales. */
export type QuantizedSource = (name: string) => Quantized;

/** An 8-bit graph: its quantized matrices, and how MatMulNBits computes with them. */
export interface Int8Weights {
  matrix: QuantizedSource;
  accuracyLevel: AccuracyLevel;
}

export const INT8: QuantizeOptions = { bits: 8, block: 32 };

/**
 * MatMulNBits' accuracy_level: the type its CPU kernel computes in. 4 quantizes the activations to
 * int8 too (per row, in blocks of 32) and runs integer dot products; 0 and 1 multiply in float32.
 * Measured on the full-size random model, 2 threads, onnxruntime-node 1.30: a step at past 12 takes
 * 8.5 ms at level 4 but 260–450 ms at 1 or 0 (for 8 bits ORT then seems to decode every weight on
 * every run), against 20 ms in fp32; the 12-token prompt's logits move by at most 0.44 from fp32 at
 * level 4 and 0.26 at 0/1 (logit std 4.0), the top-1 the same. Level 4 is the only one worth offering.
 */
export const INT8_ACCURACY_LEVEL = 4;
export type AccuracyLevel = 0 | 1 | 4;

/** A matrix of a product: W is K × N (x [T, K] · W → [T, N]), stored as `layout`. */
export interface Matrix {
  name: string;
  K: number;
  N: number;
  layout: MatrixLayout;
}

/** What the graph functions share: the builder, the config, and the weights (patch-graph.ts builds with them too). */
export interface Model {
  g: GraphBuilder;
  config: Gpt2Config;
  weight: (name: string) => string;
  int8?: Int8Weights; // the matrix products run on 8-bit weights
}

/**
 * The transformer: input_ids [1, T] int64, past_length [1] int64 (P) and past_key.i / past_value.i
 * [1, H, C, dh] (a cache of capacity C ≥ P whose first P positions hold keys/values; the rest is never
 * read) → the residual stream at every layer (hidden; its last layer is what the lm_head reads), the
 * last position's attention row, and q/k/v of the new positions: the caller writes k and v into its
 * cache. No output holds the cache: onnxruntime-node copies every output into a new buffer, which for
 * the whole cache was most of a step at 1,000 tokens of context.
 */
export function buildTransformer(config: Gpt2Config, source: WeightSource, int8?: Int8Weights): Uint8Array {
  const m = model(config, source, int8);
  const { g } = m;
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const dh = d / H;
  const { hidden, layers, keys } = trunk(m);
  g.output('hidden', stack(m, hidden), 'float', [L + 1, 'T', d]);
  // Only the last query's row of each head: what a Step's views need. The whole [T, S] pattern of
  // one head is computed when it is looked at (attention-graph.ts): 144 maps of 1,024² would be 600 MB.
  const lastRows = g.op('Concat', layers.map((a) => g.op('Slice', [a.att, g.int64s([-1]), g.int64s([Number.MAX_SAFE_INTEGER]), g.int64s([2])])), { axis: 0 }); // [L, H, 1, C + T]
  const keyAxis = g.int64s([3]);
  const seen = g.op('Concat', [
    g.op('Slice', [lastRows, g.int64s([0]), keys.pastLength, keyAxis]), // [L, H, 1, P]: the cache's filled positions
    g.op('Slice', [lastRows, keys.capacity, g.int64s([Number.MAX_SAFE_INTEGER]), keyAxis]), // [L, H, 1, T]: the new ones
  ], { axis: 3 }); // [L, H, 1, S]
  g.output('attention', g.op('Reshape', [seen, g.int64s([L, H, -1])]), 'float', [L, H, 'S']);
  for (const part of ['q', 'k', 'v'] as const) {
    g.output(part, g.op('Concat', layers.map((a) => a[part]), { axis: 0 }), 'float', [L, H, 'T', dh]);
  }
  return g.toBytes('gpt2-transformer', OPSET);
}

/**
 * The bench's yardstick: the same trunk, then ln_f and the unembedding of the last position only,
 * logits [1, V] the one output (no internals). Inputs as buildTransformer's.
 */
export function buildBareForward(config: Gpt2Config, source: WeightSource): Uint8Array {
  const m = model(config, source);
  const last = m.g.op('Slice', [trunk(m).hidden.at(-1)!, m.g.int64s([-1]), m.g.int64s([Number.MAX_SAFE_INTEGER]), m.g.int64s([0])]); // [1, d]
  m.g.output('logits', unembedding(m, layerNorm(m, last, 'ln_f')), 'float', [1, config.vocabSize]);
  return m.g.toBytes('gpt2-bare-forward', OPSET);
}

/** The inputs, the embeddings and the blocks: the residual after each, each block's attention outputs, and which keys exist. */
function trunk(m: Model): { hidden: string[]; layers: AttentionOutputs[]; keys: KeySlots } {
  const { g } = m;
  const { nLayer: L, nHead: H, nEmbd: d } = m.config;
  const ids = g.op('Reshape', [g.input('input_ids', 'int64', [1, 'T']), g.int64s([-1])], {}, 'ids'); // [T]
  const pastLength = g.input('past_length', 'int64', [1]); // [1] = P
  const past = Array.from({ length: L }, (_, i) => ({
    key: g.input(`past_key.${i}`, 'float', [1, H, 'C', d / H]),
    value: g.input(`past_value.${i}`, 'float', [1, H, 'C', d / H]),
  }));
  const keys = keySlots(m, ids, pastLength, past[0].key);
  let x = embeddings(m, ids, keys.positions); // [T, d]
  const hidden = [x];
  const layers: AttentionOutputs[] = [];
  for (let i = 0; i < L; i++) {
    const out = block(m, x, i, keys, past[i].key, past[i].value);
    x = out.x;
    hidden.push(x);
    layers.push(out.attn);
  }
  return { hidden, layers, keys };
}

/** The lm_head: residual [N, d] (any positions, after any block) → ln_f → tied unembedding → logits [N, V]. */
export function buildLmHead(config: Gpt2Config, source: WeightSource, int8?: Int8Weights): Uint8Array {
  const m = model(config, source, int8);
  const residual = m.g.input('residual', 'float', ['N', config.nEmbd]);
  m.g.output('logits', unembedding(m, layerNorm(m, residual, 'ln_f')), 'float', ['N', config.vocabSize]);
  return m.g.toBytes('gpt2-lm-head', OPSET);
}

/** The matrices an 8-bit graph reads quantized: each block's four Conv1D weights ([K, N]), or the lm_head's wte ([V, d]). */
export function int8Matrices(config: Gpt2Config, graph: 'transformer' | 'lmHead'): Matrix[] {
  if (graph === 'lmHead') return [matrix(config, 'wte.weight')];
  const products = ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'];
  return Array.from({ length: config.nLayer }, (_, i) => products.map((p) => matrix(config, `h.${i}.${p}.weight`))).flat();
}

function matrix(config: Gpt2Config, name: string): Matrix {
  const [rows, columns] = gpt2TensorShapes(config).get(name) ?? [];
  return name === 'wte.weight' ? { name, K: columns, N: rows, layout: 'nk' } : { name, K: rows, N: columns, layout: 'kn' };
}

function model(config: Gpt2Config, source: WeightSource, int8?: Int8Weights): Model {
  const g = new GraphBuilder();
  const shapes = gpt2TensorShapes(config);
  const added = new Set<string>();
  const weight = (name: string): string => {
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`graph: no weight named ${name}`);
    if (!added.has(name)) g.weight(name, shape, source(name));
    added.add(name);
    return name;
  };
  return { g, config, weight, int8 };
}

/** Where the new positions are, and which keys each new query may see: computed once, read by every block. */
interface KeySlots {
  positions: string; // [T] = P..S-1
  pastLength: string; // [1] = P
  capacity: string; // [1] = C
  pastBias: string; // [C]: 0 for the cache's first P positions, -∞ for the unfilled rest
  causalBias: string; // [T, T]: 0 where new key j ≤ new query i, else -∞
  split: string; // [2] = [C, T]: the softmaxed weights' two parts, over the cache and over the new keys
}

function keySlots(m: Model, ids: string, pastLength: string, pastKey0: string): KeySlots {
  const { g } = m;
  const scalar = (x: string): string => g.op('Squeeze', [x, g.int64s([0])]);
  const range = (from: string, to: string): string => g.op('Range', [from, to, g.int64s([1], true)]);
  const bias = (visible: string): string => g.op('Where', [visible, g.float(0), g.float(-Infinity)]);
  const zero = g.int64s([0], true);
  const T = g.op('Shape', [ids], {}, 'new_length'); // [1]
  const capacity = g.op('Shape', [pastKey0], { start: 2, end: 3 }, 'capacity'); // [1] = C
  const positions = g.op('Range', [scalar(pastLength), scalar(g.op('Add', [pastLength, T])), g.int64s([1], true)], {}, 'positions'); // [T]
  const pastBias = bias(g.op('Less', [range(zero, scalar(capacity)), pastLength])); // [C]
  const order = range(zero, scalar(T)); // [T]
  const causalBias = bias(g.op('LessOrEqual', [g.op('Unsqueeze', [order, g.int64s([0])]), g.op('Unsqueeze', [order, g.int64s([1])])])); // [T, T]
  return { positions, pastLength, capacity, pastBias, causalBias, split: g.op('Concat', [capacity, T], { axis: 0 }) };
}

/** Token embedding + position embedding. */
function embeddings(m: Model, ids: string, positions: string): string {
  const tokens = m.g.op('Gather', [m.weight('wte.weight'), ids], { axis: 0 }, 'tok_emb'); // [T, d]
  const places = m.g.op('Gather', [m.weight('wpe.weight'), positions], { axis: 0 }, 'pos_emb'); // [T, d]
  return m.g.op('Add', [tokens, places], {}, 'h_0'); // [T, d]
}

export function layerNorm(m: Model, x: string, prefix: string): string {
  const epsilon = { float: m.config.layerNormEpsilon };
  return m.g.op('LayerNormalization', [x, m.weight(`${prefix}.weight`), m.weight(`${prefix}.bias`)], { axis: -1, epsilon }, prefix);
}

/** Hugging Face's Conv1D is a linear layer with the weight stored [in, out]: x @ W + b. */
function conv1d(m: Model, x: string, prefix: string): string {
  if (!m.int8) return m.g.op('Gemm', [x, m.weight(`${prefix}.weight`), m.weight(`${prefix}.bias`)], {}, prefix);
  return m.g.op('Add', [matMulNBits(m, x, `${prefix}.weight`, prefix), m.weight(`${prefix}.bias`)], {}, `${prefix}.bias_add`);
}

/** x [T, K] · W' [K, N] with W' the 8-bit weights `name` decode to. */
function matMulNBits(m: Model, x: string, name: string, hint: string): string {
  const { K, N } = matrix(m.config, name);
  const { matrix: quantized, accuracyLevel } = m.int8!;
  const { blob, scales } = quantized(name);
  const B = m.g.tensor(`${name}.B`, [N, K / INT8.block, (INT8.block * INT8.bits) / 8], blob);
  const S = m.g.tensor(`${name}.scales`, [N * (K / INT8.block)], scales);
  const attributes = { K, N, bits: INT8.bits, block_size: INT8.block, accuracy_level: accuracyLevel };
  return m.g.op('MatMulNBits', [x, B, S], attributes, hint, 'com.microsoft');
}

interface AttentionOutputs {
  y: string; // [T, d] after c_proj
  att: string; // [1, H, T, C + T] attention probabilities over the cache's slots, then the new keys
  q: string; // [1, H, T, dh]
  k: string; // [1, H, T, dh]
  v: string; // [1, H, T, dh]
}

/**
 * Causal self-attention over the cache's keys/values and the new ones, written out: scores against the
 * cache and against the new keys side by side, one softmax over both, then the two weighted sums of
 * values. No concatenation of keys or values: ONNX's Attention (and ORT's other attention kernels)
 * copy the whole past into a new present on every run, and the cache cannot stay in ORT between runs
 * (buildTransformer). The transposed keys fuse into MatMul (ORT's FusedMatMul transB), so nothing of
 * the cache is copied. q is scaled by 1/√dh first (for dh = 64 that is 0.125: exact).
 */
function attn(m: Model, x: string, layer: number, keys: KeySlots, pastKey: string, pastValue: string): AttentionOutputs {
  const { g } = m;
  const { nHead: H, nEmbd: d } = m.config;
  const prefix = `h.${layer}.attn`;
  const [q, k, v] = g.opMulti('Split', [conv1d(m, x, `${prefix}.c_attn`), g.int64s([d, d, d])], 3, { axis: 1 }, `${prefix}.qkv`).map((part) => heads(m, part)); // [1, H, T, dh] each
  const transposed = (t: string): string => g.op('Transpose', [t], { perm: [0, 1, 3, 2] }); // [1, H, dh, ·]
  const scaled = g.op('Mul', [q, g.float(1 / Math.sqrt(d / H))], {}, `${prefix}.q_scaled`);
  const onCache = g.op('Add', [g.op('MatMul', [scaled, transposed(pastKey)]), keys.pastBias], {}, `${prefix}.scores_cache`); // [1, H, T, C]
  const onNew = g.op('Add', [g.op('MatMul', [scaled, transposed(k)]), keys.causalBias], {}, `${prefix}.scores_new`); // [1, H, T, T]
  const att = g.op('Softmax', [g.op('Concat', [onCache, onNew], { axis: 3 })], { axis: 3 }, `${prefix}.att`); // [1, H, T, C + T]
  const [fromCache, fromNew] = g.opMulti('Split', [att, keys.split], 2, { axis: 3 }); // [1, H, T, C], [1, H, T, T]
  const mixed = g.op('Add', [g.op('MatMul', [fromCache, pastValue]), g.op('MatMul', [fromNew, v])], {}, `${prefix}.mix`); // [1, H, T, dh]
  const y = g.op('Reshape', [g.op('Transpose', [mixed], { perm: [0, 2, 1, 3] }), g.int64s([-1, d])]); // [T, d], heads side by side
  return { y: conv1d(m, y, `${prefix}.c_proj`), att, q, k, v };
}

/** [T, d] → [1, H, T, dh]: the heads of one block's q, k or v. */
function heads(m: Model, x: string): string {
  const { nHead: H, nEmbd: d } = m.config;
  const split = m.g.op('Reshape', [x, m.g.int64s([1, -1, H, d / H])]); // [1, T, H, dh]
  return m.g.op('Transpose', [split], { perm: [0, 2, 1, 3] });
}

/** c_fc → GELU → c_proj. */
function mlp(m: Model, x: string, layer: number): string {
  const hiddenLayer = conv1d(m, x, `h.${layer}.mlp.c_fc`); // [T, 4d]
  return conv1d(m, gelu(m, hiddenLayer), `h.${layer}.mlp.c_proj`); // [T, d]
}

/**
 * GPT-2's "gelu_new": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), written out (opset 17 has no tanh
 * Gelu), in the form ORT's optimiser recognises (Pow, then 0.5·x first): level 'all' fuses it into FastGelu.
 */
export function gelu(m: Model, x: string): string {
  const { g } = m;
  const cube = g.op('Pow', [x, g.float(3)]); // x³
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.float(0.044715)])]), g.float(Math.sqrt(2 / Math.PI))]);
  const gate = g.op('Add', [g.op('Tanh', [inner]), g.float(1)]);
  return g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), gate], {}, 'gelu');
}

/** x + attn(ln_1(x)), then + mlp(ln_2(x)). */
function block(m: Model, x: string, layer: number, keys: KeySlots, pastKey: string, pastValue: string): { x: string; attn: AttentionOutputs } {
  const a = attn(m, layerNorm(m, x, `h.${layer}.ln_1`), layer, keys, pastKey, pastValue);
  const afterAttn = m.g.op('Add', [x, a.y], {}, `h.${layer}.resid_attn`); // [T, d]
  const out = m.g.op('Add', [afterAttn, mlp(m, layerNorm(m, afterAttn, `h.${layer}.ln_2`), layer)], {}, `h_${layer + 1}`); // [T, d]
  return { x: out, attn: a };
}

/** The output layer shares wte: logits = x · wteᵀ (Gemm transB, no transposed copy; MatMulNBits reads wte's rows as its columns). */
function unembedding(m: Model, x: string): string {
  if (m.int8) return matMulNBits(m, x, 'wte.weight', 'lm_head'); // [T, V]
  return m.g.op('Gemm', [x, m.weight('wte.weight')], { transB: 1 }, 'lm_head'); // [T, V]
}

/** [T, d] × n → [n, T, d]. */
function stack(m: Model, xs: string[]): string {
  return m.g.op('Concat', xs.map((x) => m.g.op('Unsqueeze', [x, m.g.int64s([0])])), { axis: 0 });
}
