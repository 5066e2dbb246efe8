// Our two graphs (the transformer and the lm_head, src/engine/graph.ts) on onnxruntime-node without
// the Gpt2Model wrapper, for the cases that must change what the engine fixes: profiling, timing
// each session on its own, ORT session settings.
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Gpt2Config } from '../../src/engine/types';
import type { CaseContext } from '../harness/case';
import { lastResidual as lastResidualOf, transformerFeeds } from './feeds';

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

/** input_ids plus the past keys/values (see feeds.ts), as onnxruntime-node tensors. */
export function graphFeeds(config: Gpt2Config, ids: number[], past?: Outputs): Record<string, ort.Tensor> {
  return transformerFeeds(ort.Tensor, config, ids, past) as Record<string, ort.Tensor>;
}

/** The engine's two sessions, as Gpt2Model holds them. */
export interface GraphSessions {
  transformer: ort.InferenceSession;
  lmHead: ort.InferenceSession;
}

/** The last position's residual after the last block (see feeds.ts), as an onnxruntime-node tensor. */
export function lastResidual(config: Gpt2Config, out: Outputs): ort.Tensor {
  return lastResidualOf(ort.Tensor, config, out) as ort.Tensor;
}

/** One pass as Gpt2Model.forward runs it: the transformer, then the lm_head on the last position. */
export async function graphPass(sessions: GraphSessions, config: Gpt2Config, ids: number[], past?: Outputs): Promise<Outputs> {
  const out = await sessions.transformer.run(graphFeeds(config, ids, past));
  await sessions.lmHead.run({ residual: lastResidual(config, out) });
  return out;
}
