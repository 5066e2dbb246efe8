// Token surprise, read out of the logits inside ORT: the log-softmax at the scored token, its rank, and
// the top k with their log-probabilities, so a few numbers a row leave ORT instead of the scorer's three
// JavaScript scans of 50,257 floats a row (measured, full size, 1,023 rows: 1.6 s of JavaScript against
// 0.68 s for the lm_head that made the logits). A weightless graph of its own, fed the lm_head's output,
// so wte stays packed once (in the lm_head's session); opened on first use, on ORT's threads.
import * as ort from 'onnxruntime-node';
import { OPSET } from './graph';
import { GraphBuilder } from './onnx-builder';

/** Per row of logits: the target's log-probability and rank, and the top k's ids and log-probabilities (row-major [n, k]). */
export interface RowScores {
  logprob: Float32Array; // [n]
  rank: Int32Array; // [n]: 1 + how many logits are strictly larger than the target's (ties share the better rank)
  topIds: number[]; // [n · k], largest first, ties by lower id (ONNX TopK's rule)
  topLogprob: Float32Array; // [n · k]
}

/** logits [N, V] float, target [N] int64, k [1] int64 → logprob [N, 1], above [N] (float counts), top_ids [N, k] int64, top_logprob [N, k]. */
export function buildScoreReadout(): Uint8Array {
  const g = new GraphBuilder();
  const logits = g.input('logits', 'float', ['N', 'V']);
  const target = g.op('Unsqueeze', [g.input('target', 'int64', ['N']), g.int64s([1])]); // [N, 1]
  const logSoftmax = g.op('LogSoftmax', [logits], { axis: -1 }); // MLAS, vectorized, rows split over the threads
  g.output('logprob', g.op('GatherElements', [logSoftmax, target], { axis: 1 }), 'float', ['N', 1]);
  const own = g.op('GatherElements', [logits, target], { axis: 1 }); // [N, 1]
  // Counted in float32: exact, as a count is at most V < 2^24.
  const larger = g.op('Cast', [g.op('Greater', [logits, own])], { to: 1 });
  g.output('above', g.op('ReduceSum', [larger, g.int64s([1])], { keepdims: 0 }), 'float', ['N']);
  const [, topIds] = g.opMulti('TopK', [logits, g.input('k', 'int64', [1])], 2, { axis: -1, largest: 1, sorted: 1 });
  g.output('top_ids', topIds, 'int64', ['N', 'k']);
  g.output('top_logprob', g.op('GatherElements', [logSoftmax, topIds], { axis: 1 }), 'float', ['N', 'k']);
  return g.toBytes('gpt2-score-readout', OPSET);
}

/** The readout's session, opened the first time a text is scored (a model that is only stepped never builds it). */
export class ScoreReadout {
  private opened: Promise<ort.InferenceSession> | undefined;

  constructor(private readonly options: ort.InferenceSession.SessionOptions) {}

  /** Scores n rows of `logits` (each V wide) at `targets` (one id a row), with the top k of each. */
  async run(logits: Float32Array, n: number, targets: number[], k: number): Promise<RowScores> {
    const V = logits.length / n;
    if (!Number.isInteger(V) || targets.length !== n || k < 1 || k > V) throw new RangeError(`score readout: ${logits.length} logits, ${targets.length} targets for ${n} rows, top ${k}`);
    const session = await (this.opened ??= this.open());
    const out = await session.run({
      logits: new ort.Tensor('float32', logits, [n, V]),
      target: new ort.Tensor('int64', BigInt64Array.from(targets, BigInt), [n]),
      k: new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
    });
    const above = values(out.above, n) as Float32Array;
    const ids = values(out.top_ids, n * k) as BigInt64Array;
    return {
      logprob: values(out.logprob, n) as Float32Array,
      rank: Int32Array.from(above, (count) => count + 1),
      topIds: Array.from(ids, Number),
      topLogprob: values(out.top_logprob, n * k) as Float32Array,
    };
  }

  /** Releases the session if it was opened (an open that failed has nothing to release). */
  async release(): Promise<void> {
    const session = await this.opened?.catch(() => undefined);
    await session?.release();
  }

  private open(): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(buildScoreReadout(), { ...this.options, executionProviders: ['cpu'], externalData: [] });
  }
}

function values(tensor: ort.Tensor | undefined, size: number): ort.Tensor['data'] {
  if (tensor === undefined || tensor.data.length !== size) throw new Error(`score readout: an output is missing or not of ${size} values`);
  return tensor.data;
}
