// An independent GPT-2 forward pass in plain TypeScript loops, in float64, written from the paper
// and nanoGPT's model.py — it shares no code with the engine (not even the safetensors reader),
// so agreement between the two means something. Used by the engine tests, the explorer tests and
// the benchmark (as the plain-TypeScript peer).
//
// Shapes: T new positions, P past positions, S = P + T, d width, H heads, dh = d / H, V vocab.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReferenceConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  vocabSize: number;
  nPositions: number;
  layerNormEpsilon: number;
}

/** A checkpoint in memory: config plus every tensor by its name without "transformer.". */
export interface ReferenceModel {
  config: ReferenceConfig;
  tensors: Map<string, Float32Array>;
}

/** Keys and values of the positions seen so far, per layer: [H, S, dh] each. */
export interface ReferencePast {
  length: number;
  keys: Float64Array[];
  values: Float64Array[];
}

export interface ReferenceResult {
  hidden: Float64Array; // [L+1, T, d]
  attention: Float64Array; // [L, H, T, S]
  q: Float64Array; // [L, H, T, dh]
  k: Float64Array; // [L, H, T, dh]
  v: Float64Array; // [L, H, T, dh]
  logits: Float64Array; // [T, V]
  past: ReferencePast; // S positions, to continue from
}

/** Reads dir/config.json and dir/model.safetensors (F32, F16 or BF16) with its own minimal parser. */
export function loadReferenceModel(dir: string): ReferenceModel {
  const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const config: ReferenceConfig = {
    nLayer: raw.n_layer,
    nHead: raw.n_head,
    nEmbd: raw.n_embd,
    vocabSize: raw.vocab_size,
    nPositions: raw.n_positions,
    layerNormEpsilon: raw.layer_norm_epsilon ?? 1e-5,
  };
  const file = readFileSync(join(dir, 'model.safetensors'));
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
  const tensors = new Map<string, Float32Array>();
  for (const [key, info] of Object.entries<{ dtype: string; data_offsets: [number, number] }>(header)) {
    if (key === '__metadata__') continue;
    const bytes = file.subarray(8 + headerLength + info.data_offsets[0], 8 + headerLength + info.data_offsets[1]);
    tensors.set(key.replace(/^transformer\./, ''), decode(bytes, info.dtype));
  }
  return { config, tensors };
}

function decode(bytes: Buffer, dtype: string): Float32Array {
  if (dtype === 'F32') return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer); // copied: 4-byte aligned
  const out = new Float32Array(bytes.length / (dtype === 'F32' ? 4 : 2));
  for (let i = 0; i < out.length; i++) {
    if (dtype === 'BF16') out[i] = Buffer.from([0, 0, bytes[2 * i], bytes[2 * i + 1]]).readFloatLE(0);
    else if (dtype === 'F16') out[i] = half(bytes.readUInt16LE(2 * i));
    else throw new Error(`reference: dtype ${dtype}`);
  }
  return out;
}

function half(bits: number): number {
  const exponent = (bits >> 10) & 31;
  const magnitude = exponent === 0 ? (bits & 1023) * 2 ** -24 : exponent === 31 ? Infinity : (1 + (bits & 1023) / 1024) * 2 ** (exponent - 15);
  return bits & 0x8000 ? -magnitude : magnitude;
}

/**
 * Where an activation of a pass can be read or overwritten in place (activation patching): 'resid'
 * the hidden state `layer` (0 = the embeddings) before anything reads it, 'mix' a block's heads'
 * mixes of values side by side before c_proj, 'attn' its attention output after c_proj, 'mlp' its
 * MLP output — each [T, d].
 */
export type ReferenceHook = (site: 'resid' | 'mix' | 'attn' | 'mlp', layer: number, x: Float64Array) => void;

/** One pass over `ids` after `past` (default: nothing cached); `hook` sees (and may change) every activation. */
export function referenceForward(model: ReferenceModel, ids: number[], past?: ReferencePast, hook: ReferenceHook = () => {}): ReferenceResult {
  const { nLayer: L, nHead: H, nEmbd: d } = model.config;
  const dh = d / H;
  const T = ids.length;
  const P = past?.length ?? 0;
  const S = P + T;
  const w = (name: string) => tensor(model, name);
  const hidden = new Float64Array((L + 1) * T * d);
  const attention = new Float64Array(L * H * T * S);
  const [q, k, v] = [0, 1, 2].map(() => new Float64Array(L * H * T * dh));
  const next: ReferencePast = { length: S, keys: [], values: [] };

  let x: Float64Array = new Float64Array(T * d); // token embedding + position embedding
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < d; i++) x[t * d + i] = w('wte.weight')[ids[t] * d + i] + w('wpe.weight')[(P + t) * d + i];
  }
  hook('resid', 0, x);
  hidden.set(x, 0);
  for (let layer = 0; layer < L; layer++) {
    const h = `h.${layer}.`;
    const qkv = linear(layerNorm(x, w(h + 'ln_1.weight'), w(h + 'ln_1.bias'), d, model.config.layerNormEpsilon), w(h + 'attn.c_attn.weight'), w(h + 'attn.c_attn.bias'), T, d, 3 * d);
    const keys = new Float64Array(H * S * dh); // [H, S, dh]: past first, then the new positions
    const values = new Float64Array(H * S * dh);
    for (let head = 0; head < H; head++) {
      for (let s = 0; s < P; s++) {
        for (let j = 0; j < dh; j++) {
          keys[(head * S + s) * dh + j] = past!.keys[layer][(head * P + s) * dh + j];
          values[(head * S + s) * dh + j] = past!.values[layer][(head * P + s) * dh + j];
        }
      }
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < dh; j++) {
          const at = ((layer * H + head) * T + t) * dh + j;
          q[at] = qkv[t * 3 * d + head * dh + j];
          k[at] = keys[(head * S + P + t) * dh + j] = qkv[t * 3 * d + d + head * dh + j];
          v[at] = values[(head * S + P + t) * dh + j] = qkv[t * 3 * d + 2 * d + head * dh + j];
        }
      }
    }
    next.keys.push(keys);
    next.values.push(values);
    const y = new Float64Array(T * d); // heads side by side
    for (let head = 0; head < H; head++) {
      for (let t = 0; t < T; t++) {
        const att = attention.subarray(((layer * H + head) * T + t) * S, ((layer * H + head) * T + t + 1) * S);
        for (let s = 0; s <= P + t; s++) { // causal: position P + t sees keys 0..P + t
          let dot = 0;
          for (let j = 0; j < dh; j++) dot += q[((layer * H + head) * T + t) * dh + j] * keys[(head * S + s) * dh + j];
          att[s] = dot / Math.sqrt(dh);
        }
        softmaxInPlace(att.subarray(0, P + t + 1));
        for (let s = 0; s <= P + t; s++) {
          for (let j = 0; j < dh; j++) y[t * d + head * dh + j] += att[s] * values[(head * S + s) * dh + j];
        }
      }
    }
    hook('mix', layer, y);
    const attnOut = linear(y, w(h + 'attn.c_proj.weight'), w(h + 'attn.c_proj.bias'), T, d, d);
    hook('attn', layer, attnOut);
    x = add(x, attnOut);
    const fc = linear(layerNorm(x, w(h + 'ln_2.weight'), w(h + 'ln_2.bias'), d, model.config.layerNormEpsilon), w(h + 'mlp.c_fc.weight'), w(h + 'mlp.c_fc.bias'), T, d, 4 * d);
    const mlpOut = linear(fc.map(gelu), w(h + 'mlp.c_proj.weight'), w(h + 'mlp.c_proj.bias'), T, 4 * d, d);
    hook('mlp', layer, mlpOut);
    x = add(x, mlpOut);
    hook('resid', layer + 1, x);
    hidden.set(x, (layer + 1) * T * d);
  }
  return { hidden, attention, q, k, v, logits: referenceLens(model, x, T), past: next };
}

/** ln_f and the tied unembedding of n residual vectors [n, d] → logits [n, V] (untied when the model has lm_head.weight). */
export function referenceLens(model: ReferenceModel, residuals: ArrayLike<number>, n: number): Float64Array {
  const { nEmbd: d, vocabSize: V, layerNormEpsilon } = model.config;
  const normed = layerNorm(Float64Array.from(residuals), tensor(model, 'ln_f.weight'), tensor(model, 'ln_f.bias'), d, layerNormEpsilon);
  const wte = model.tensors.get('lm_head.weight') ?? tensor(model, 'wte.weight'); // [V, d]: logits = x · wteᵀ (an untied lm_head.weight if given)
  const logits = new Float64Array(n * V);
  for (let r = 0; r < n; r++) {
    // Four tokens at a time, each dot product still summed in order: the same float64 numbers, but four
    // independent sums keep the CPU busy (3× faster; the tests take this over 50,257 tokens thousands of times).
    const x = r * d;
    let token = 0;
    for (; token + 4 <= V; token += 4) {
      const w0 = token * d, w1 = w0 + d, w2 = w1 + d, w3 = w2 + d;
      let dot0 = 0, dot1 = 0, dot2 = 0, dot3 = 0;
      for (let i = 0; i < d; i++) {
        const xi = normed[x + i];
        dot0 += xi * wte[w0 + i];
        dot1 += xi * wte[w1 + i];
        dot2 += xi * wte[w2 + i];
        dot3 += xi * wte[w3 + i];
      }
      const at = r * V + token;
      logits[at] = dot0;
      logits[at + 1] = dot1;
      logits[at + 2] = dot2;
      logits[at + 3] = dot3;
    }
    for (; token < V; token++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += normed[x + i] * wte[token * d + i];
      logits[r * V + token] = dot;
    }
  }
  return logits;
}

export function tensor(model: ReferenceModel, name: string): Float32Array {
  const found = model.tensors.get(name);
  if (found === undefined) throw new Error(`reference: no tensor ${name}`);
  return found;
}

/** (x - mean) / sqrt(var + eps) · gain + bias, per row of width d. */
export function layerNorm(x: Float64Array, gain: Float32Array, bias: Float32Array, d: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[r * d + i] / d;
    let variance = 0;
    for (let i = 0; i < d; i++) variance += (x[r * d + i] - mean) ** 2 / d;
    for (let i = 0; i < d; i++) out[r * d + i] = ((x[r * d + i] - mean) / Math.sqrt(variance + eps)) * gain[i] + bias[i];
  }
  return out;
}

/** x [rows, nIn] · W [nIn, nOut] + b: Hugging Face's Conv1D stores W as [in, out]. */
export function linear(x: Float64Array, weight: Float32Array, bias: Float32Array, rows: number, nIn: number, nOut: number): Float64Array {
  const out = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < nOut; o++) out[r * nOut + o] = bias[o];
    for (let i = 0; i < nIn; i++) {
      const xi = x[r * nIn + i];
      for (let o = 0; o < nOut; o++) out[r * nOut + o] += xi * weight[i * nOut + o];
    }
  }
  return out;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (value, i) => value + b[i]);
}

/** GPT-2's tanh approximation of GELU. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

function softmaxInPlace(row: Float64Array): void {
  const max = Math.max(...row);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += row[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) row[i] /= sum;
}
