// Direct logit attribution (DLA): which parts of the model put a token's logit at one position
// there. The residual stream before ln_f is a sum — the embeddings (token + position), then in every
// layer each head's own output, the attention's c_proj bias and the MLP's output — so the logit
// splits into one number per piece: the piece centred (ln_f's mean), divided by ln_f's scale at that
// position (frozen: the one the whole residual gets, TransformerLens's apply_ln_to_stack), times
// ln_f's gain, dotted with the target's unembedding row (minus the versus token's); ln_f's bias
// dotted with the same row is the last piece. The pieces add up to the model's logit (difference).
//
// Where the numbers come from, so a Step costs what it did (nothing is added to the passes):
// - embeddings and the block outputs: the hidden states every pass already returns (the trace);
// - each head's output: Gpt2Model.headOutputs, a separate graph run only here, on the q, k and v the
//   trace keeps (the same Attention kernel and c_proj weights as the model, in float32);
// - each MLP's output: what its block added beyond its attention, hidden[l+1] − hidden[l] − (the
//   heads' outputs + c_proj's bias). The passes keep no MLP output of their own (another [L, T, d]
//   a pass); this differs from it by float32 rounding only (the tests hold it to the reference's),
//   and it makes the pieces sum to the last hidden state by construction. The readout is linear, so
//   its share is those pieces' shares subtracted: no vector of it is built.
import type { Gpt2Model } from '../engine/model';
import type { AttributionView } from '../protocol/views';
import type { Trace } from './trace';

export interface AttributionRequest {
  position: number; // 0..T-1 of the trace
  target: number; // token id
  versus: number | null; // a second token id: attribute logit(target) − logit(versus)
}

export interface Attribution extends AttributionRequest {
  total: number; // the model's own logit(target) [− logit(versus)] at the position (its lm_head)
  embed: number; // token + position embeddings
  heads: number[][]; // [L][H] each head's own output
  attnBias: number[]; // [L] each layer's attention c_proj bias
  mlp: number[]; // [L] each MLP's output
  finalBias: number; // ln_f's bias
  attention: Float32Array; // [L, H, position + 1] each head's attention row at the position (what it mixed)
}

/**
 * `logits`: the model's own logits [V] at the position when the caller holds them already (a session's last
 * position: its lm_head ran with the pass); else they are one lm_head row here.
 */
export async function attribute(model: Gpt2Model, trace: Trace, request: AttributionRequest, logits?: Float32Array): Promise<Attribution> {
  const { nLayer: L, nHead: H, nEmbd: d } = model.config;
  const { position: t, target, versus } = request;
  if (!Number.isInteger(t) || t < 0 || t >= trace.length) throw new RangeError(`position ${t} is out of range: expected 0 to ${trace.length - 1}`);
  const ids = versus === null ? [target] : [target, versus];
  const S = t + 1; // causal: position t reads keys 0..t
  const [out, modelLogits] = await Promise.all([
    model.headOutputs(trace.heads('q', t), trace.span('k', S), trace.span('v', S), S, ids),
    logits ?? model.lens(trace.hidden(L, t), 1),
  ]);
  const row = (i: number) => out.unembedding.subarray(i * d, (i + 1) * d);
  const [targetRow, versusRow] = [row(0), versus === null ? null : row(1)];
  const direction = new Float64Array(d);
  for (let j = 0; j < d; j++) direction[j] = targetRow[j] - (versusRow === null ? 0 : versusRow[j]);
  const share = readout(trace.hidden(L, t), direction, out.lnFinal.weight, model.config.layerNormEpsilon);
  const hidden = Array.from({ length: L + 1 }, (_, layer) => share(trace.hidden(layer, t), 0));
  const heads = Array.from({ length: L }, (_, layer) => Array.from({ length: H }, (_, h) => share(out.heads, (layer * H + h) * d)));
  const attnBias = Array.from({ length: L }, (_, layer) => share(out.attnBias, layer * d));
  return {
    position: t,
    target,
    versus,
    total: modelLogits[target] - (versus === null ? 0 : modelLogits[versus]),
    embed: hidden[0],
    heads,
    attnBias,
    mlp: Array.from({ length: L }, (_, layer) => heads[layer].reduce((rest, head) => rest - head, hidden[layer + 1] - hidden[layer] - attnBias[layer])),
    finalBias: dot(out.lnFinal.bias, direction),
    attention: out.attention,
  };
}

/** As the views and the CLI show it: the tokens named by `text`. */
export function attributionView({ position, target, versus, total, embed, heads, attnBias, mlp, finalBias }: Attribution, text: (id: number) => string): AttributionView {
  const named = (id: number) => ({ id, text: text(id) });
  return { position, target: named(target), versus: versus === null ? null : named(versus), total, embed, heads, attnBias, mlp, finalBias };
}

/** Each head's three strongest keys in attention rows [L, H, S], strongest first (the earlier key on a tie): [L][H]. */
export function strongestKeys(attention: Float32Array, L: number, H: number): { token: number; weight: number }[][][] {
  const S = attention.length / (L * H);
  return Array.from({ length: L }, (_, layer) => Array.from({ length: H }, (_, h) => strongest(attention, (layer * H + h) * S, S, 3)));
}

/** The `count` largest of values[start .. start + S), largest first, the earlier one on a tie: one pass, no sort of the row. */
function strongest(values: Float32Array, start: number, S: number, count: number): { token: number; weight: number }[] {
  const best: { token: number; weight: number }[] = [];
  for (let token = 0; token < S; token++) {
    const weight = values[start + token];
    if (best.length === count && !(weight > best[count - 1].weight)) continue;
    let at = best.length;
    while (at > 0 && weight > best[at - 1].weight) at--;
    best.splice(at, 0, { token, weight });
    if (best.length > count) best.pop();
  }
  return best;
}

/** The sum of every piece: equals `total` within float32 rounding (the decomposition's check). */
export function attributionSum(a: Attribution): number {
  return a.embed + a.finalBias + [...a.heads.flat(), ...a.attnBias, ...a.mlp].reduce((sum, x) => sum + x, 0);
}

/**
 * A piece of the residual → its share of the logit: centred, over ln_f's scale of the whole residual
 * `x` at that position, times the gain, dotted with `direction`. Linear in the piece, so the pieces'
 * shares add up to the residual's (ln_f's bias aside). A piece is the d values of `values` from
 * `start` (a head's row of the heads' outputs, read in place).
 */
function readout(x: Float32Array, direction: Float64Array, gain: Float32Array, epsilon: number): (values: Float32Array, start: number) => number {
  const d = direction.length;
  const mean = sum(x) / d;
  let variance = 0;
  for (let j = 0; j < d; j++) variance += (x[j] - mean) ** 2 / d; // LayerNormalization's: the population variance
  const scale = Math.sqrt(variance + epsilon);
  const u = new Float64Array(d);
  for (let j = 0; j < d; j++) u[j] = direction[j] * gain[j];
  const uSum = sum(u);
  return (values, start) => {
    let along = 0;
    let total = 0;
    for (let j = 0; j < d; j++) {
      const value = values[start + j];
      along += value * u[j];
      total += value;
    }
    return (along - (total / d) * uSum) / scale;
  };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}
