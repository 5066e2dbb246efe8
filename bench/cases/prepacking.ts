// ORT prepacks every constant matrix operand into its own layout at session creation: faster
// products, but a copy of each weight in anonymous memory instead of the file's mapped pages, and
// most of the cold start. This case opens the engine's two sessions (the transformer, and the
// lm_head that serves both the next-token logits and the logit lens) with prepacking on or off in
// each, so the engine can weigh memory and cold start against pass times; and once more as the
// engine opens them but with ORT's default idle-thread spinning, to price that setting.
import * as ort from 'onnxruntime-node';
import { buildLmHead, buildTransformer } from '../../src/engine/graph';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { once, time } from '../harness/stats';
import { engineOptions, graphPass, type GraphSessions } from './graph-session';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights } from './weights';

export const PREPACKING_VARIANTS = {
  prepacked: { transformer: true, lmHead: true, spinning: false }, // what the engine does
  hybrid: { transformer: true, lmHead: false, spinning: false },
  unpacked: { transformer: false, lmHead: false, spinning: false },
  spinning: { transformer: true, lmHead: true, spinning: true },
} as const;

export type PrepackingVariant = keyof typeof PREPACKING_VARIANTS;

const options = (context: CaseContext, prepack: boolean, spinning: boolean) =>
  engineOptions(context, { ...(prepack ? {} : { disable_prepacking: '1' }), ...(spinning ? { 'intra_op.allow_spinning': '1' } : {}) });

export function prepackingCase(name: PrepackingVariant) {
  const prepack = PREPACKING_VARIANTS[name];
  return async (context: CaseContext): Promise<CaseResult> => {
    const result = emptyResult();
    const { config, source } = await openBenchWeights(context.modelDir);
    const start = performance.now();
    const sessions: GraphSessions = {
      transformer: await ort.InferenceSession.create(buildTransformer(config, source), options(context, prepack.transformer, prepack.spinning)),
      lmHead: await ort.InferenceSession.create(buildLmHead(config, source), options(context, prepack.lmHead, prepack.spinning)),
    };
    result.timings[`${name}_create`] = once(performance.now() - start);
    const first = performance.now();
    await graphPass(sessions, config, promptIds(12)); // pages the mapped weights in, when unpacked
    result.timings[`${name}_first_analyze12`] = once(performance.now() - first);
    result.values[`${name}_rss_after_first_mb`] = process.memoryUsage().rss / 2 ** 20;
    const { repeats } = context;
    result.timings[`${name}_analyze12`] = await time(() => graphPass(sessions, config, promptIds(12)), { repeats, warmup: 2 });
    const prompt = await graphPass(sessions, config, promptIds(12));
    result.timings[`${name}_step12`] = await time(() => graphPass(sessions, config, [NEXT_ID], prompt), { repeats: repeats * 2, warmup: 2 });
    const rows = config.nLayer + 1; // the lens reads a token at every layer at once
    const residual = new ort.Tensor('float32', new Float32Array(rows * config.nEmbd).fill(0.5), [rows, config.nEmbd]);
    result.timings[`${name}_lens`] = await time(() => sessions.lmHead.run({ residual }), { repeats: repeats * 2, warmup: 2 });
    await Promise.all([sessions.transformer.release(), sessions.lmHead.release()]);
    return result;
  };
}
