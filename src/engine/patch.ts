// The session behind Gpt2Model.patched (patch-graph.ts), opened the first time patching is asked for,
// on the CPU like the head-outputs session. Float32 models only: the patched numbers are the model's.
import * as ort from 'onnxruntime-node';
import type { Gpt2Config, WeightsMode } from './types';

/** A run's activations, the sources a patch reads: hidden [L+1, T, d], attn, mlp and mix [L, T, d]. */
export interface PatchActivations {
  hidden: Float32Array;
  attn: Float32Array; // each block's attention output after c_proj (with its bias)
  mlp: Float32Array; // each block's MLP output
  mix: Float32Array; // each block's heads' mixes of values, side by side, before c_proj
}

/** What each of `batch` copies takes from `source`: masks of 0/1, [batch, L+1, T], [batch, L, T] ×2, [batch, L, H]. */
export interface PatchMasks {
  batch: number;
  resid?: Float32Array;
  attn?: Float32Array;
  mlp?: Float32Array;
  heads?: Float32Array;
}

export interface PatchedRuns {
  logits: Float32Array; // [batch, 2]: the two metric tokens' logits at the last position
  activations?: PatchActivations; // of copy 0, when asked for
}

export class PatchSession {
  private opened: Promise<ort.InferenceSession> | undefined;

  constructor(private readonly config: Gpt2Config, private readonly open: () => Promise<ort.InferenceSession>) {}

  static lazy(mode: WeightsMode, config: Gpt2Config, graph: () => Uint8Array, options: ort.InferenceSession.SessionOptions): PatchSession {
    return new PatchSession(config, () => {
      if (mode === 'int8') return Promise.reject(new Error('patching reads the float32 model: load it without 8-bit weights'));
      return ort.InferenceSession.create(graph(), { ...options, executionProviders: ['cpu'] });
    });
  }

  /** `ids` (T tokens) in masks.batch copies, each patched from `source` where its masks say; `activations` also returns copy 0's. */
  async run(ids: number[], metricIds: [number, number], masks: PatchMasks, source: PatchActivations | undefined, activations: boolean): Promise<PatchedRuns> {
    const { nLayer: L, nHead: H, nEmbd: d } = this.config;
    const T = ids.length;
    const B = masks.batch;
    const mask = (values: Float32Array | undefined, rows: number, cols: number): ort.Tensor => {
      if (values !== undefined && values.length !== B * rows * cols) throw new RangeError(`patch: a mask of ${values.length} values, expected ${B * rows * cols}`);
      return new ort.Tensor('float32', values ?? new Float32Array(B * rows * cols), [B, rows, cols]);
    };
    const from = (values: Float32Array | undefined, rows: number): ort.Tensor => {
      if (values !== undefined && values.length !== rows * T * d) throw new RangeError(`patch: a source of ${values.length} values, expected ${rows * T * d}`);
      return new ort.Tensor('float32', values ?? new Float32Array(rows * T * d), [rows, T, d]);
    };
    this.opened ??= this.open();
    const session = await this.opened;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, T]),
      metric_ids: new ort.Tensor('int64', BigInt64Array.from(metricIds, BigInt), [2]),
      clean_hidden: from(source?.hidden, L + 1),
      clean_attn: from(source?.attn, L),
      clean_mlp: from(source?.mlp, L),
      clean_mix: from(source?.mix, L),
      patch_resid: mask(masks.resid, L + 1, T),
      patch_attn: mask(masks.attn, L, T),
      patch_mlp: mask(masks.mlp, L, T),
      patch_heads: mask(masks.heads, L, H),
    };
    const fetches = activations ? ['metric_logits', 'hidden', 'attn', 'mlp', 'mix'] : ['metric_logits'];
    const out = await session.run(feeds, fetches);
    const data = (name: string, size: number): Float32Array => {
      const values = out[name]?.data;
      if (!(values instanceof Float32Array) || values.length !== size) throw new Error(`patch: output ${name} is missing or of the wrong size`);
      return values;
    };
    const logits = data('metric_logits', B * 2);
    if (!activations) return { logits };
    // Copy 0's slice of each [B, …] output.
    const first = (name: string, rows: number) => data(name, B * rows * T * d).slice(0, rows * T * d);
    return { logits, activations: { hidden: first('hidden', L + 1), attn: first('attn', L), mlp: first('mlp', L), mix: first('mix', L) } };
  }

  async release(): Promise<void> {
    const session = await this.opened?.catch(() => undefined);
    this.opened = undefined;
    await session?.release();
  }
}
