// The session behind Gpt2Model.headOutputs, opened the first time attribution is asked for (a model
// that is only stepped never builds it). It runs on the CPU with prepacking off: its c_proj products
// are a few rows at a time, and prepacked it would hold a second copy of every c_proj (113 MB for
// GPT-2 small) for as long as the model stays open.
import * as ort from 'onnxruntime-node';
import type { Gpt2Config, HeadOutputs, WeightsMode } from './types';

export class HeadOutputsSession {
  private opened: Promise<ort.InferenceSession> | undefined;

  constructor(
    private readonly config: Gpt2Config,
    private readonly open: () => Promise<ort.InferenceSession>,
  ) {}

  /** Opens `graph` (head-outputs-graph.ts) on the CPU with `options` on first use; refused on 8-bit models, whose c_proj is not the float32 one. */
  static lazy(config: Gpt2Config, mode: WeightsMode, graph: Uint8Array, options: ort.InferenceSession.SessionOptions): HeadOutputsSession {
    return new HeadOutputsSession(config, () => {
      if (mode === 'int8') return Promise.reject(new Error('attribution reads the float32 model: load it without 8-bit weights'));
      return ort.InferenceSession.create(graph, { ...options, executionProviders: ['cpu'] });
    });
  }

  /** q [L, H, dh] of position t; k, v [L, H, S, dh] of positions 0..S-1 = 0..t; the unembedding rows of `ids`. */
  async run(q: Float32Array, k: Float32Array, v: Float32Array, S: number, ids: number[]): Promise<HeadOutputs> {
    const { nLayer: L, nHead: H, nEmbd: d } = this.config;
    const dh = d / H;
    if (!Number.isInteger(S) || S < 1 || q.length !== L * H * dh || k.length !== L * H * S * dh || v.length !== k.length) {
      throw new RangeError(`headOutputs: expected q of ${L * H * dh} values and k, v of ${L * H * S * dh}, got ${q.length}, ${k.length}, ${v.length}`);
    }
    this.opened ??= this.open();
    const session = await this.opened;
    const out = await session.run({
      q: new ort.Tensor('float32', q, [1, L * H, 1, dh]),
      k: new ort.Tensor('float32', k, [1, L * H, S, dh]),
      v: new ort.Tensor('float32', v, [1, L * H, S, dh]),
      ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [ids.length]),
    });
    const data = (name: string, size: number): Float32Array => {
      const values = out[name]?.data;
      if (!(values instanceof Float32Array) || values.length !== size) throw new Error(`headOutputs: output ${name} is missing or of the wrong size`);
      return values;
    };
    return {
      heads: data('heads', L * H * d),
      attention: data('attention', L * H * S),
      attnBias: data('attn_bias', L * d),
      lnFinal: { weight: data('ln_f_weight', d), bias: data('ln_f_bias', d) },
      unembedding: data('unembedding', ids.length * d),
    };
  }

  /** Releases the session if it was opened (an open that failed has nothing to release). */
  async release(): Promise<void> {
    const session = await this.opened?.catch(() => undefined);
    this.opened = undefined;
    await session?.release();
  }
}
