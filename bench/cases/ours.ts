// Our engine as the product runs it: Gpt2Model on onnxruntime-node (the transformer with all its
// outputs and the KV cache, then the lm_head on the last position), timed per pass; the explorer's
// steps and per-step views on top of it.
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import type { KvCache } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { once, peakRssMb, time } from '../harness/stats';
import { timeExplorer } from './explorer';
import { promptIds } from './prompts';

const dispose = (result: { cache: KvCache }) => result.cache.dispose();

/** Weights file → both sessions ready, in a fresh process. */
async function loadTimed(context: CaseContext, result: CaseResult): Promise<Gpt2Model> {
  const start = performance.now();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads, optimization: 'all' });
  result.timings.cold_start = once(performance.now() - start);
  return model;
}

/** Cold start and the first prompt after it (ORT finishes some set-up on the first run). */
export async function coldStart(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await loadTimed(context, result);
  const start = performance.now();
  (await model.forward(promptIds(12))).cache.dispose();
  result.timings.first_analyze12 = once(performance.now() - start);
  result.notes.push('Cold starts ran with model.safetensors in the OS page cache (the bench reads it before): a first start after boot also waits for the disk.');
  await model.dispose();
  return result;
}

/** Prompt passes with every output. (The bare steps are timed with the explorer's, interleaved: explorer.ts.) */
async function timePrompts(model: Gpt2Model, context: CaseContext, result: CaseResult): Promise<void> {
  const { repeats } = context;
  result.timings.analyze12 = await time(() => model.forward(promptIds(12)), { repeats, warmup: 2, after: dispose });
  result.timings.analyze128 = await time(() => model.forward(promptIds(128)), { repeats: Math.ceil(repeats / 2), after: dispose });
}

export async function ours(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await loadTimed(context, result);
  result.values.rss_after_load_mb = process.memoryUsage().rss / 2 ** 20; // where the peak comes from, stage by stage
  result.values.peak_rss_after_load_mb = peakRssMb();
  await timePrompts(model, context, result);
  result.values.peak_rss_after_prompts_mb = peakRssMb();
  await timeExplorer(model, await Gpt2Tokenizer.fromModelDir(context.modelDir), context, result);
  await model.dispose();
  return result;
}
