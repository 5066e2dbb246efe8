// The opt-in 8-bit weights (LoadOptions.weights 'int8') as the product runs them: cold start, memory,
// prompt passes and steps timed as ours.ts and explorer.ts time the fp32 engine, and what the 8-bit
// weights cost in fidelity on the bench's full-size model against the fp32 engine. Also the same
// 8-bit graphs on onnxruntime-web's wasm backend, if it runs com.microsoft MatMulNBits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLmHead, buildTransformer, INT8_ACCURACY_LEVEL, type Int8Weights } from '../../src/engine/graph';
import { checkGpt2Folder } from '../../src/engine/gpt2-weights';
import { Int8Store } from '../../src/engine/int8-cache';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import type { KvCache } from '../../src/engine/types';
import { argmax } from '../../src/explorer/decoding/logits';
import { emptyResult, type CaseContext, type CaseResult, type CaseRunner } from '../harness/case';
import { interleave, once, peakRssMb, time } from '../harness/stats';
import { stepContenders, stepSetup } from './explorer';
import { loadOrtWeb } from './ort-web';
import { wasmForward } from './wasm';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights, WEIGHTS_FILE } from './weights';

const dispose = (result: { cache: KvCache }) => result.cache.dispose();
const FIDELITY_STEPS = 20; // greedy steps after the 12-token prompt, compared position by position

async function oursInt8(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const start = performance.now();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads, optimization: 'all', weights: 'int8' });
  result.timings.int8_cold_start = once(performance.now() - start);
  result.values.int8_rss_after_load_mb = process.memoryUsage().rss / 2 ** 20;
  const { repeats } = context;
  result.timings.int8_analyze12 = await time(() => model.forward(promptIds(12)), { repeats, warmup: 2, after: dispose });
  result.timings.int8_analyze128 = await time(() => model.forward(promptIds(128)), { repeats: Math.ceil(repeats / 2), after: dispose });
  const setup = await stepSetup(model, await Gpt2Tokenizer.fromModelDir(context.modelDir), 12);
  const { forward, views } = stepContenders(model, setup);
  const steps = await interleave([forward, views], { rounds: repeats * 2, warmup: 2 });
  result.timings.int8_step = steps.forward;
  result.timings.int8_step_views = steps.views;
  setup.prompt.dispose();
  setup.session.dispose();
  const greedy = await greedyLogits(model, FIDELITY_STEPS);
  result.values.int8_peak_rss_mb = peakRssMb(); // before the fp32 model is loaded for the comparison
  await model.dispose();
  await compareWithFloat32(context, greedy, result);
  return result;
}

/** The 8-bit model's own greedy continuation of the 12-token prompt: its logits at each of the 1 + steps positions. */
async function greedyLogits(model: Gpt2Model, steps: number): Promise<{ ids: number[]; logits: Float32Array[] }> {
  const ids = promptIds(12);
  let pass = await model.forward(ids);
  const logits = [pass.logits];
  for (let i = 0; i < steps; i++) {
    ids.push(argmax(pass.logits));
    const next = await model.forward(ids.slice(-1), pass.cache);
    pass.cache.dispose();
    pass = next;
    logits.push(pass.logits);
  }
  pass.cache.dispose();
  return { ids, logits };
}

/** The fp32 engine on the same tokens: largest logit difference and how often the top-1 token agrees. */
async function compareWithFloat32(context: CaseContext, int8: { ids: number[]; logits: Float32Array[] }, result: CaseResult): Promise<void> {
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const promptLength = int8.ids.length - int8.logits.length + 1;
  let pass = await model.forward(int8.ids.slice(0, promptLength));
  let maxDiff = 0;
  let agree = 0;
  for (let i = 0; i < int8.logits.length; i++) {
    if (i > 0) {
      const next = await model.forward([int8.ids[promptLength + i - 1]], pass.cache);
      pass.cache.dispose();
      pass = next;
    }
    for (let v = 0; v < pass.logits.length; v++) maxDiff = Math.max(maxDiff, Math.abs(pass.logits[v] - int8.logits[i][v]));
    if (argmax(pass.logits) === argmax(int8.logits[i])) agree++;
  }
  pass.cache.dispose();
  await model.dispose();
  result.values.int8_max_abs_logit_diff = maxDiff;
  result.values.int8_top1_agreement = agree / int8.logits.length;
  result.notes.push(
    `8-bit fidelity: the fp32 engine fed the 8-bit model's own greedy tokens (12-token prompt + ${FIDELITY_STEPS} steps), logits compared at all ${int8.logits.length} positions; on the random bench model, not real GPT-2 weights (whose outliers random ones lack).`,
  );
}

/** The same 8-bit graphs on onnxruntime-web (wasm): fp32 weights from the file's bytes, the 8-bit ones in the graphs. */
async function wasmInt8(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const ort = await loadOrtWeb(context.threads);
  const { config, source } = await openBenchWeights(context.modelDir);
  const { weights } = await checkGpt2Folder(context.modelDir);
  const store = await Int8Store.open(weights, config, undefined); // quantized here, no cache
  const int8 = async (graph: 'transformer' | 'lmHead'): Promise<Int8Weights> => ({ matrix: await store.matrices(graph), accuracyLevel: INT8_ACCURACY_LEVEL });
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const, externalData: [{ path: WEIGHTS_FILE, data: readFileSync(join(context.modelDir, WEIGHTS_FILE)) }] };
  let sessions;
  try {
    sessions = {
      transformer: await ort.InferenceSession.create(buildTransformer(config, source, await int8('transformer')), options),
      lmHead: await ort.InferenceSession.create(buildLmHead(config, source, await int8('lmHead')), options),
    };
  } catch (error) {
    result.notes.push(`wasm-int8: onnxruntime-web could not open the 8-bit graphs: ${String(error).split('\n')[0]}`);
    return result;
  }
  const run = wasmForward(ort, config, sessions);
  const { repeats } = context;
  result.timings.wasm_int8_analyze12 = await time(() => run(promptIds(12)), { repeats, warmup: 2 });
  const prompt = await run(promptIds(12));
  result.timings.wasm_int8_step = await time(() => run([NEXT_ID], prompt), { repeats: repeats * 2, warmup: 2 });
  await Promise.all([sessions.transformer.release(), sessions.lmHead.release()]);
  result.notes.push('wasm-int8: onnxruntime-web opens and runs the 8-bit graphs (MatMulNBits, accuracy level 4), but seems to have no fast 8-bit kernel in its wasm build: a step took over ten times its fp32 step when measured, so the browser peer gains nothing from these weights.');
  return result;
}

export const int8Cases: Record<string, CaseRunner> = {
  'ours-int8': oursInt8,
  'wasm-int8': wasmInt8,
};
