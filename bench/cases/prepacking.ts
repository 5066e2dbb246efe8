// ORT prepacks every constant matrix operand into its own layout at session creation: faster
// products, but a second copy of each weight in anonymous memory (the file mapping is dropped for
// the blocks' matrices, not for wte, which Gather still reads), and most of the cold start. This
// case runs the engine's two sessions (model graph + lens head) with prepacking on or off in each,
// so the engine can weigh memory and cold start against pass times.
import * as ort from 'onnxruntime-node';
import { buildLmHead, buildTransformer } from '../../src/engine/graph';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { once, time } from '../harness/stats';
import { engineOptions, graphFeeds } from './graph-session';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights } from './weights';

export const PREPACKING_VARIANTS = {
  prepacked: { model: true, lens: true }, // what the engine does today
  hybrid: { model: true, lens: false },
  unpacked: { model: false, lens: false },
} as const;

export type PrepackingVariant = keyof typeof PREPACKING_VARIANTS;

const options = (context: CaseContext, prepack: boolean) => engineOptions(context, prepack ? {} : { disable_prepacking: '1' });

export function prepackingCase(name: PrepackingVariant) {
  const prepack = PREPACKING_VARIANTS[name];
  return async (context: CaseContext): Promise<CaseResult> => {
    const result = emptyResult();
    const { config, source } = await openBenchWeights(context.modelDir);
    const start = performance.now();
    const session = await ort.InferenceSession.create(buildTransformer(config, source), options(context, prepack.model));
    const lensHead = await ort.InferenceSession.create(buildLmHead(config, source), options(context, prepack.lens));
    result.timings[`${name}_create`] = once(performance.now() - start);
    const first = performance.now();
    await session.run(graphFeeds(config, promptIds(12))); // pages the mapped weights in, when unpacked
    result.timings[`${name}_first_analyze12`] = once(performance.now() - first);
    result.values[`${name}_rss_after_first_mb`] = process.memoryUsage().rss / 2 ** 20;
    const { repeats } = context;
    result.timings[`${name}_analyze12`] = await time(() => session.run(graphFeeds(config, promptIds(12))), { repeats, warmup: 2 });
    const prompt = await session.run(graphFeeds(config, promptIds(12)));
    result.timings[`${name}_step12`] = await time(() => session.run(graphFeeds(config, [NEXT_ID], prompt)), { repeats: repeats * 2, warmup: 2 });
    const rows = config.nLayer + 1; // the explorer reads a token at every layer at once
    const residual = new ort.Tensor('float32', new Float32Array(rows * config.nEmbd).fill(0.5), [rows, config.nEmbd]);
    result.timings[`${name}_lens`] = await time(() => lensHead.run({ residual }), { repeats: repeats * 2, warmup: 2 });
    await Promise.all([session.release(), lensHead.release()]);
    return result;
  };
}
