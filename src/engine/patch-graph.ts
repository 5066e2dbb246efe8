// GPT-2 run as a batch of B copies of one prompt, each free to take one or more activations from
// another run, for activation patching (explorer/patching.ts). Per copy b, four masks say what it
// takes: patch_resid [B, L+1, T] a hidden state (0 = the embeddings … L = after the last block) at
// a position, patch_attn and patch_mlp [B, L, T] a block's attention output (after c_proj, with its
// bias) or MLP output at a position, patch_heads [B, L, H] a head's mix of values (before c_proj) at
// every position. Where a mask is 1 the copy reads the clean_* tensor there instead of its own (a
// Where, so the values are exactly the clean run's); everything downstream is computed as usual.
// The output is the two logits of metric_ids at the last position, [B, 2]; the activations of each
// copy are outputs too, fetched only for the unpatched runs that supply them.
// Why a graph of its own and not the transformer's: the transformer runs one prompt with a KV cache
// and keeps only the last attention row; this one runs B copies side by side in one pass, with the
// same weights and the same float32 operators, so the numbers are the model's.
//
// Shapes: B copies, T positions, L layers, H heads, d width, dh = d / H.
import { OPSET } from './graph';
import { gpt2TensorShapes } from './gpt2-weights';
import { GraphBuilder, type WeightData } from './onnx-builder';
import type { Gpt2Config } from './types';

interface Builder {
  g: GraphBuilder;
  config: Gpt2Config;
  weight: (name: string) => string;
}

export function buildPatchGraph(config: Gpt2Config, source: (name: string) => WeightData): Uint8Array {
  const g = new GraphBuilder();
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const shapes = gpt2TensorShapes(config);
  const added = new Set<string>();
  const weight = (name: string) => {
    if (!added.has(name)) g.weight(name, shapes.get(name)!, source(name));
    added.add(name);
    return name;
  };
  const b: Builder = { g, config, weight };
  const ids = g.op('Reshape', [g.input('input_ids', 'int64', [1, 'T']), g.int64s([-1])]); // [T]
  const clean = {
    hidden: g.input('clean_hidden', 'float', [L + 1, 'T', d]),
    attn: g.input('clean_attn', 'float', [L, 'T', d]),
    mlp: g.input('clean_mlp', 'float', [L, 'T', d]),
    mix: g.input('clean_mix', 'float', [L, 'T', d]),
  };
  const masks = {
    resid: g.input('patch_resid', 'float', ['B', L + 1, 'T']),
    attn: g.input('patch_attn', 'float', ['B', L, 'T']),
    mlp: g.input('patch_mlp', 'float', ['B', L, 'T']),
    heads: g.input('patch_heads', 'float', ['B', L, H]),
  };
  const T = g.op('Squeeze', [g.op('Shape', [ids]), g.int64s([0])]); // scalar
  const positions = g.op('Range', [g.int64s([0], true), T, g.int64s([1], true)]); // [T]
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [positions, g.int64s([0])]), g.op('Unsqueeze', [positions, g.int64s([1])])]); // [T, T]
  const embedded = g.op('Add', [g.op('Gather', [weight('wte.weight'), ids], { axis: 0 }), g.op('Gather', [weight('wpe.weight'), positions], { axis: 0 })]); // [T, d]
  const taken = { hidden: [] as string[], attn: [] as string[], mlp: [] as string[], mix: [] as string[] };
  let x = patchAt(b, masks.resid, 0, clean.hidden, embedded); // [B, T, d] from here on
  taken.hidden.push(x);
  for (let i = 0; i < L; i++) {
    const h = `h.${i}`;
    const qkv = linear(b, layerNorm(b, x, `${h}.ln_1`), `${h}.attn.c_attn`); // [B, T, 3d]
    const [q, k, v] = g.opMulti('Split', [qkv, g.int64s([d, d, d])], 3, { axis: 2 });
    const [y] = g.opMulti('Attention', [q, k, v, causal], 1, { q_num_heads: H, kv_num_heads: H }, `${h}.attention`); // [B, T, d], heads side by side
    const mix = g.op('Where', [headMask(b, masks.heads, i), gather(b, clean.mix, i), y]);
    const attn = patchAt(b, masks.attn, i, clean.attn, linear(b, mix, `${h}.attn.c_proj`));
    const afterAttn = g.op('Add', [x, attn]);
    const fc = linear(b, layerNorm(b, afterAttn, `${h}.ln_2`), `${h}.mlp.c_fc`);
    const mlp = patchAt(b, masks.mlp, i, clean.mlp, linear(b, gelu(b, fc), `${h}.mlp.c_proj`));
    x = patchAt(b, masks.resid, i + 1, clean.hidden, g.op('Add', [afterAttn, mlp]));
    taken.mix.push(mix);
    taken.attn.push(attn);
    taken.mlp.push(mlp);
    taken.hidden.push(x);
  }
  const last = g.op('Squeeze', [g.op('Slice', [x, g.int64s([-1]), g.int64s([Number.MAX_SAFE_INTEGER]), g.int64s([1])]), g.int64s([1])]); // [B, d]
  const rows = g.op('Gather', [weight('wte.weight'), g.input('metric_ids', 'int64', [2])], { axis: 0 }); // [2, d]
  g.output('metric_logits', g.op('Gemm', [layerNorm(b, last, 'ln_f'), rows], { transB: 1 }), 'float', ['B', 2]);
  g.output('hidden', stack(b, taken.hidden), 'float', ['B', L + 1, 'T', d]);
  for (const part of ['attn', 'mlp', 'mix'] as const) g.output(part, stack(b, taken[part]), 'float', ['B', L, 'T', d]);
  return g.toBytes('gpt2-patch', OPSET);
}

/** Where mask[:, layer, :] is 1, source[layer] ([T, d]) instead of x ([T, d] or [B, T, d]). */
function patchAt(b: Builder, mask: string, layer: number, source: string, x: string): string {
  const { g } = b;
  const at = g.op('Cast', [g.op('Unsqueeze', [gather(b, mask, layer, 1), g.int64s([2])])], { to: 9 }); // [B, T, 1] bool
  return g.op('Where', [at, gather(b, source, layer), x]);
}

/** mask[:, layer, :] ([B, H]) spread over each head's dh columns: [B, 1, d] bool. */
function headMask(b: Builder, mask: string, layer: number): string {
  const { g } = b;
  const { nHead: H, nEmbd: d } = b.config;
  const spread = g.op('Expand', [g.op('Unsqueeze', [gather(b, mask, layer, 1), g.int64s([2])]), g.int64s([1, 1, d / H])]); // [B, H, dh]
  return g.op('Cast', [g.op('Reshape', [spread, g.int64s([0, 1, d])])], { to: 9 });
}

function gather(b: Builder, x: string, index: number, axis = 0): string {
  return b.g.op('Gather', [x, b.g.int64s([index], true)], { axis });
}

function layerNorm(b: Builder, x: string, prefix: string): string {
  return b.g.op('LayerNormalization', [x, b.weight(`${prefix}.weight`), b.weight(`${prefix}.bias`)], { axis: -1, epsilon: { float: b.config.layerNormEpsilon } });
}

/** Hugging Face's Conv1D on [B, T, in]: x @ W + b, W stored [in, out]. */
function linear(b: Builder, x: string, prefix: string): string {
  return b.g.op('Add', [b.g.op('MatMul', [x, b.weight(`${prefix}.weight`)]), b.weight(`${prefix}.bias`)]);
}

/** gelu_new, written as graph.ts writes it (ORT fuses it the same way). */
function gelu(b: Builder, x: string): string {
  const { g } = b;
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [g.op('Pow', [x, g.float(3)]), g.float(0.044715)])]), g.float(Math.sqrt(2 / Math.PI))]);
  return g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.float(1)])]);
}

/** [B, T, d] × n → [B, n, T, d]. */
function stack(b: Builder, xs: string[]): string {
  return b.g.op('Concat', xs.map((x) => b.g.op('Unsqueeze', [x, b.g.int64s([1])])), { axis: 1 });
}
