// What 8- and 4-bit weights would cost in fidelity, before anyone offers them: the plain-TypeScript
// reference pass (float64) on the fp32 weights and on the same weights quantized and decoded again
// (blockwise, as MatMulNBits stores them), over the lesson-length prompt. Every matrix is quantized,
// wte included (the reference ties embedding and unembedding; a MatMulNBits unembedding would leave
// the embedding lookup in fp32), so this errs on the side of too much error.
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../../test/engine/reference';
import { argmax, softmax } from '../../src/explorer/decoding/logits';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { dequantize, quantize, type MatrixLayout, type QuantizeOptions } from '../../src/engine/quantize';
import { promptIds } from './prompts';

const MATRICES = /^(h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight)$/;

/** A copy of the model whose matrices went through quantization: each [K, N] one by columns, wte [V, d] by rows. */
function quantizedModel(model: ReferenceModel, options: QuantizeOptions): ReferenceModel {
  const { nEmbd: d, vocabSize: V } = model.config;
  const tensors = new Map(model.tensors);
  for (const [name, w] of model.tensors) {
    if (MATRICES.test(name)) {
      const N = name.includes('c_attn') ? 3 * d : name.includes('c_fc') ? 4 * d : d;
      const K = w.length / N;
      tensors.set(name, roundTrip(w, K, N, 'kn', options));
    }
  }
  const wte = model.tensors.get('wte.weight')!;
  tensors.set('wte.weight', roundTrip(wte, d, V, 'nk', options));
  return { config: model.config, tensors };
}

function roundTrip(w: Float32Array, K: number, N: number, layout: MatrixLayout, options: QuantizeOptions): Float32Array {
  return dequantize(quantize(w, K, N, layout, options), K, N, layout, options);
}

export async function fidelity(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = loadReferenceModel(context.modelDir);
  const ids = promptIds(12);
  const { vocabSize: V } = model.config;
  const exact = referenceForward(model, ids).logits;
  result.values.fidelity_logit_std = standardDeviation(exact.subarray((ids.length - 1) * V)); // the scale the diffs compare to
  for (const bits of [8, 4] as const) {
    const logits = referenceForward(quantizedModel(model, { bits, block: 32 }), ids).logits;
    let maxLogitDiff = 0;
    let top1Agree = 0;
    for (let t = 0; t < ids.length; t++) {
      const [a, b] = [exact.subarray(t * V, (t + 1) * V), logits.subarray(t * V, (t + 1) * V)];
      for (let i = 0; i < V; i++) maxLogitDiff = Math.max(maxLogitDiff, Math.abs(a[i] - b[i]));
      if (argmax(a) === argmax(b)) top1Agree++;
    }
    const last = (l: Float64Array) => softmax(l.subarray((ids.length - 1) * V));
    const [p, q] = [last(exact), last(logits)];
    Object.assign(result.values, {
      [`int${bits}_max_logit_diff`]: maxLogitDiff,
      [`int${bits}_max_prob_diff`]: p.reduce((worst, value, i) => Math.max(worst, Math.abs(value - q[i])), 0),
      [`int${bits}_top1_agree`]: top1Agree / ids.length,
    });
  }
  result.notes.push('Fidelity: float64 reference on fp32 weights vs the same weights 8/4-bit blockwise-quantized (block 32, symmetric), 12 positions, on the random test model — real GPT-2 weights have outliers that random ones lack.');
  return result;
}

function standardDeviation(values: Float64Array): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}
