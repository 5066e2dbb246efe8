// Our two graphs (the transformer and the lm_head, src/engine/graph.ts) on onnxruntime-node without
// the Gpt2Model wrapper, for the cases that must change what the engine fixes: profiling, timing
// each session on its own, ORT session settings.
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Gpt2Config } from '../../src/engine/types';
import type { CaseContext } from '../harness/case';

type Outputs = ort.InferenceSession.ReturnType;

/** The engine's session options (src/engine/model.ts), plus the given ORT session config entries. */
export function engineOptions(context: CaseContext, config: Record<string, string> = {}): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: context.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { model_external_initializers_file_folder_path: resolve(context.modelDir), 'intra_op.allow_spinning': '0', ...config } },
  };
}

/** input_ids plus the past keys/values: a previous run's present_* outputs, or empty [1, H, 0, dh]. */
export function graphFeeds(config: Gpt2Config, ids: number[], past?: Outputs): Record<string, ort.Tensor> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, H, 0, d / H]);
  const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
  for (let i = 0; i < L; i++) {
    feeds[`past_key.${i}`] = past?.[`present_key.${i}`] ?? empty();
    feeds[`past_value.${i}`] = past?.[`present_value.${i}`] ?? empty();
  }
  return feeds;
}

/** The engine's two sessions, as Gpt2Model holds them. */
export interface GraphSessions {
  transformer: ort.InferenceSession;
  lmHead: ort.InferenceSession;
}

/** The last position's residual after the last block: the last d values of hidden [L+1, T, d]. */
export function lastResidual(config: Gpt2Config, out: Outputs): ort.Tensor {
  const hidden = out.hidden.data as Float32Array;
  return new ort.Tensor('float32', hidden.slice(hidden.length - config.nEmbd), [1, config.nEmbd]);
}

/** One pass as Gpt2Model.forward runs it: the transformer, then the lm_head on the last position. */
export async function graphPass(sessions: GraphSessions, config: Gpt2Config, ids: number[], past?: Outputs): Promise<Outputs> {
  const out = await sessions.transformer.run(graphFeeds(config, ids, past));
  await sessions.lmHead.run({ residual: lastResidual(config, out) });
  return out;
}
