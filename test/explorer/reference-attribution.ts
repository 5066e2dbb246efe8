// Direct logit attribution written from the weights in float64, on the independent reference forward
// pass (test/engine/reference.ts), sharing nothing with src/: each head's output is its attention
// row times its values times its rows of c_proj, each MLP's output is the MLP run on the residual
// after its layer's attention (not a difference of hidden states, as the explorer takes it), and
// every piece is centred, divided by ln_f's scale of the final residual and dotted with
// (gain ⊙ (wte[target] − wte[versus])), as TransformerLens's apply_ln_to_stack does.
import { gelu, layerNorm, linear, referenceForward, referenceLens, tensor, type ReferenceModel } from '../engine/reference';

export interface ReferenceAttribution {
  total: number;
  embed: number;
  heads: number[][];
  attnBias: number[];
  mlp: number[];
  finalBias: number;
}

export function referenceAttribution(model: ReferenceModel, ids: number[], position: number, target: number, versus: number | null): ReferenceAttribution {
  const { nLayer: L, nHead: H, nEmbd: d, layerNormEpsilon: eps } = model.config;
  const dh = d / H;
  const T = ids.length;
  const pass = referenceForward(model, ids);
  const residual = (layer: number) => pass.hidden.slice((layer * T + position) * d, (layer * T + position + 1) * d);
  const wte = tensor(model, 'wte.weight');
  const gain = tensor(model, 'ln_f.weight');
  const direction = Array.from({ length: d }, (_, j) => wte[target * d + j] - (versus === null ? 0 : wte[versus * d + j]));
  const final = residual(L);
  const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / d;
  const finalMean = mean(final);
  const scale = Math.sqrt(final.reduce((a, x) => a + (x - finalMean) ** 2, 0) / d + eps);
  const read = (piece: ArrayLike<number>) => {
    const m = mean(piece);
    let total = 0;
    for (let j = 0; j < d; j++) total += ((piece[j] - m) / scale) * gain[j] * direction[j];
    return total;
  };
  const heads: number[][] = [];
  const attnBias: number[] = [];
  const mlp: number[] = [];
  for (let layer = 0; layer < L; layer++) {
    const w = (name: string) => tensor(model, `h.${layer}.${name}`);
    const attnOut = Float64Array.from(w('attn.c_proj.bias'));
    heads.push([]);
    for (let h = 0; h < H; h++) {
      const mix = new Float64Array(dh);
      for (let s = 0; s <= position; s++) {
        const weight = pass.attention[((layer * H + h) * T + position) * T + s];
        for (let j = 0; j < dh; j++) mix[j] += weight * pass.v[((layer * H + h) * T + s) * dh + j];
      }
      const out = new Float64Array(d);
      for (let j = 0; j < dh; j++) for (let o = 0; o < d; o++) out[o] += mix[j] * w('attn.c_proj.weight')[(h * dh + j) * d + o];
      out.forEach((value, o) => (attnOut[o] += value));
      heads[layer].push(read(out));
    }
    attnBias.push(read(w('attn.c_proj.bias')));
    const afterAttn = Float64Array.from(residual(layer), (x, j) => x + attnOut[j]);
    const fc = linear(layerNorm(afterAttn, w('ln_2.weight'), w('ln_2.bias'), d, eps), w('mlp.c_fc.weight'), w('mlp.c_fc.bias'), 1, d, 4 * d);
    mlp.push(read(linear(fc.map(gelu), w('mlp.c_proj.weight'), w('mlp.c_proj.bias'), 1, 4 * d, d)));
  }
  const logits = referenceLens(model, final, 1);
  const bias = tensor(model, 'ln_f.bias');
  return {
    total: logits[target] - (versus === null ? 0 : logits[versus]),
    embed: read(residual(0)),
    heads,
    attnBias,
    mlp,
    finalBias: direction.reduce((a, x, j) => a + x * bias[j], 0),
  };
}

/** Every piece of an attribution, in one order: embed, heads, attention biases, MLPs, final bias. */
export function pieces(a: ReferenceAttribution): number[] {
  return [a.embed, ...a.heads.flat(), ...a.attnBias, ...a.mlp, a.finalBias];
}
