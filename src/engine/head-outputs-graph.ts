// Every attention head's own output at one position, on demand, for direct logit attribution: the
// heads' attention rows and value mixes (the transformer's own Attention kernel on the q, k and v a
// pass returned), each head's mix times its rows of c_proj, and the few weights the attribution
// reads (the c_proj biases, ln_f, the unembedding rows of the tokens asked about).
// Why a separate graph and not an extra output of the transformer: a Step then runs exactly the
// graph it ran before (no [L, H, T, d] output to copy on every pass, 110,592 floats a position for
// GPT-2 small), and the numbers are still the model's float32 ones, from the same weights.
//
// Shapes: L layers, H heads, d width, dh = d / H, S = the keys seen (positions 0..t), K tokens.
import { OPSET } from './graph';
import { gpt2TensorShapes } from './gpt2-weights';
import { GraphBuilder, type WeightData } from './onnx-builder';
import type { Gpt2Config } from './types';

/**
 * q [1, L·H, 1, dh] (position t's queries), k and v [1, L·H, S, dh] (positions 0..t), ids [K] int64 →
 * heads [L, H, d], attention [L, H, S], attn_bias [L, d], ln_f_weight and ln_f_bias [d], unembedding [K, d].
 */
export function buildHeadOutputs(config: Gpt2Config, source: (name: string) => WeightData): Uint8Array {
  const g = new GraphBuilder();
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const dh = d / H;
  const shapes = gpt2TensorShapes(config);
  const weight = (name: string) => g.weight(name, shapes.get(name)!, source(name));
  const q = g.input('q', 'float', [1, L * H, 1, dh]);
  const k = g.input('k', 'float', [1, L * H, 'S', dh]);
  const v = g.input('v', 'float', [1, L * H, 'S', dh]);
  const ids = g.input('ids', 'int64', ['K']);
  // One query, keys 0..t only, so no mask is needed; scale 1/√dh, Attention's default, as in the transformer.
  const [y, presentKey, , att] = g.opMulti('Attention', [q, k, v], 4, { qk_matmul_output_mode: 3 }, 'mix'); // y [1, L·H, 1, dh]
  const length = g.op('Shape', [presentKey], { start: 2, end: 3 }, 'length'); // [1] = S, read at run time from what ORT cannot infer (graph.ts's withLength)
  g.output('attention', g.op('Reshape', [att, g.op('Concat', [g.int64s([L, H]), length], { axis: 0 })]), 'float', [L, H, 'S']);
  // Head h's output is its mix [1, dh] times its own dh rows of c_proj ([d, d] = [H·dh, d], seen as
  // [H, dh, d]): one batched product per layer, H × dh × d multiply-adds, not the H × d × d of
  // multiplying each head's mix spread over the whole width (measured: the ask's largest cost).
  const mixed = g.op('Reshape', [y, g.int64s([L, H, 1, dh])]);
  const perLayer = Array.from({ length: L }, (_, i) => {
    const rows = g.op('Reshape', [weight(`h.${i}.attn.c_proj.weight`), g.int64s([H, dh, d])]); // [H, dh, d]
    const own = g.op('MatMul', [g.op('Gather', [mixed, g.int64s([i])], { axis: 0 }), rows], {}, `h.${i}.heads`); // [H, 1, d]
    return g.op('Reshape', [own, g.int64s([1, H, d])]);
  }); // [1, H, d] each
  g.output('heads', g.op('Concat', perLayer, { axis: 0 }), 'float', [L, H, d]);
  const biases = Array.from({ length: L }, (_, i) => g.op('Unsqueeze', [weight(`h.${i}.attn.c_proj.bias`), g.int64s([0])]));
  g.output('attn_bias', g.op('Concat', biases, { axis: 0 }), 'float', [L, d]);
  g.output('ln_f_weight', weight('ln_f.weight'), 'float', [d]);
  g.output('ln_f_bias', weight('ln_f.bias'), 'float', [d]);
  g.output('unembedding', g.op('Gather', [weight('wte.weight'), ids], { axis: 0 }), 'float', ['K', d]);
  return g.toBytes('gpt2-head-outputs', OPSET);
}
