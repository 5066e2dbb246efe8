// GPT-2 one block at a time, for activation patching (explorer/patching.ts): a graph per block that
// runs B copies of N positions after P past ones (the keys/values a patch cannot change, taken from
// the corrupted run), each copy free to take its attention heads' mixes, its attention output or its
// MLP output from a source run where its masks say (a Where, so the values are exactly the source's).
// Block by block, because a patch at layer l and position p changes nothing before them: a grid's
// runs start at their own layer, on positions p.., and the copies that share a position are batched.
// A readout graph turns the last position of each copy into the two metric tokens' logits.
// The same float32 operators and weights as graph.ts's transformer, so the numbers are the model's.
//
// Shapes: B copies, N new positions, P past positions, S = P + N, H heads, d width, dh = d / H.
import { gelu, layerNorm, OPSET, type Model } from './graph';
import { gpt2TensorShapes } from './gpt2-weights';
import { GraphBuilder, type WeightData } from './onnx-builder';
import type { Gpt2Config } from './types';

type Builder = Model;

/**
 * Block `layer`: x [B, N, d], past_key / past_value [B, H, P, dh], and per patchable activation a mask
 * and a source — patch_mix [B, 1, d] with source_mix [N, d] (the heads' mixes before c_proj, a head's
 * dh columns at once), patch_attn / patch_mlp [B, N, 1] with source_attn / source_mlp [N, d] → out
 * [B, N, d], and mix, attn, mlp [B, N, d] and present_key / present_value [B, H, S, dh] to record a run.
 */
export function buildPatchBlock(config: Gpt2Config, layer: number, source: (name: string) => WeightData): Uint8Array {
  const b = builder(config, source);
  const { g } = b;
  const { nHead: H, nEmbd: d } = config;
  const h = `h.${layer}`;
  const x = g.input('x', 'float', ['B', 'N', d]);
  const pastKey = g.input('past_key', 'float', ['B', H, 'P', d / H]);
  const pastValue = g.input('past_value', 'float', ['B', H, 'P', d / H]);
  const patched = (name: string, maskDims: (number | string)[], value: string) =>
    g.op('Where', [g.op('Cast', [g.input(`patch_${name}`, 'float', maskDims)], { to: 9 }), g.input(`source_${name}`, 'float', ['N', d]), value]);
  const qkv = linear(b, layerNorm(b, x, `${h}.ln_1`), `${h}.attn.c_attn`); // [B, N, 3d]
  const [q, k, v] = g.opMulti('Split', [qkv, g.int64s([d, d, d])], 3, { axis: 2 });
  const [y, presentKey, presentValue] = g.opMulti('Attention', [q, k, v, causalMask(b, x, pastKey), pastKey, pastValue], 3, { q_num_heads: H, kv_num_heads: H });
  const mix = patched('mix', ['B', 1, d], y); // heads side by side
  const attn = patched('attn', ['B', 'N', 1], linear(b, mix, `${h}.attn.c_proj`));
  const afterAttn = g.op('Add', [x, attn]);
  const mlp = patched('mlp', ['B', 'N', 1], linear(b, gelu(b, linear(b, layerNorm(b, afterAttn, `${h}.ln_2`), `${h}.mlp.c_fc`)), `${h}.mlp.c_proj`));
  g.output('out', g.op('Add', [afterAttn, mlp]), 'float', ['B', 'N', d]);
  for (const [name, value] of [['mix', mix], ['attn', attn], ['mlp', mlp]]) g.output(name, value, 'float', ['B', 'N', d]);
  g.output('present_key', presentKey, 'float', ['B', H, 'S', d / H]);
  g.output('present_value', presentValue, 'float', ['B', H, 'S', d / H]);
  return g.toBytes(`gpt2-patch-block-${layer}`, OPSET);
}

/**
 * The last position of each copy, x [B, d], and the two metric tokens' unembedding rows [2, d] → ln_f →
 * their logits [B, 2]. The rows are an input, read from the weights by the caller, so the session does
 * not carry all of wte (147 MiB for GPT-2 small) for two rows of it. (Mapped from the file, its untouched
 * pages were never resident: the RSS did not move, bench/FINDINGS.md.)
 */
export function buildPatchReadout(config: Gpt2Config, source: (name: string) => WeightData): Uint8Array {
  const b = builder(config, source);
  const x = b.g.input('x', 'float', ['B', config.nEmbd]);
  const rows = b.g.input('metric_rows', 'float', [2, config.nEmbd]);
  b.g.output('logits', b.g.op('Gemm', [layerNorm(b, x, 'ln_f'), rows], { transB: 1 }), 'float', ['B', 2]);
  return b.g.toBytes('gpt2-patch-readout', OPSET);
}

function builder(config: Gpt2Config, source: (name: string) => WeightData): Builder {
  const g = new GraphBuilder();
  const shapes = gpt2TensorShapes(config);
  const added = new Set<string>();
  const weight = (name: string) => {
    if (!added.has(name)) g.weight(name, shapes.get(name)!, source(name));
    added.add(name);
    return name;
  };
  return { g, config, weight };
}

/** Which keys each new position sees: [N, S] bool, query P + i sees keys 0..P + i. */
function causalMask(b: Builder, x: string, pastKey: string): string {
  const { g } = b;
  const scalar = (shape: string) => g.op('Squeeze', [shape, g.int64s([0])]);
  const P = g.op('Shape', [pastKey], { start: 2, end: 3 });
  const S = g.op('Add', [P, g.op('Shape', [x], { start: 1, end: 2 })]);
  const one = g.int64s([1], true);
  const queries = g.op('Range', [scalar(P), scalar(S), one]); // [N]
  const keys = g.op('Range', [g.int64s([0], true), scalar(S), one]); // [S]
  return g.op('LessOrEqual', [g.op('Unsqueeze', [keys, g.int64s([0])]), g.op('Unsqueeze', [queries, g.int64s([1])])]);
}

/** Hugging Face's Conv1D on [B, N, in]: x @ W + b, W stored [in, out]. */
function linear(b: Builder, x: string, prefix: string): string {
  return b.g.op('Add', [b.g.op('MatMul', [x, b.weight(`${prefix}.weight`)]), b.weight(`${prefix}.bias`)]);
}
