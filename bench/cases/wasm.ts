// The peer: the very graphs our engine runs (the transformer, then the lm_head on the last
// position), on onnxruntime-web's wasm backend in Node, with the same passes timed the same way.
// Weights go in as in-memory external data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as OrtWeb from 'onnxruntime-web';
import { buildLmHead, buildTransformer } from '../../src/engine/graph';
import type { Gpt2Config } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { once, time } from '../harness/stats';
import { WASM_NOTE } from './floor';
import { loadOrtWeb } from './ort-web';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights, WEIGHTS_FILE } from './weights';

type Outputs = OrtWeb.InferenceSession.ReturnType;

export async function wasm(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const ort = await loadOrtWeb(context.threads);
  const { config, source } = await openBenchWeights(context.modelDir);
  const start = performance.now();
  const weights = readFileSync(join(context.modelDir, WEIGHTS_FILE)); // wasm has no file mapping: the bytes are copied in
  const options: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    externalData: [{ path: WEIGHTS_FILE, data: weights }],
  };
  const session = await ort.InferenceSession.create(buildTransformer(config, source), options);
  const lmHead = await ort.InferenceSession.create(buildLmHead(config, source), options);
  result.timings.wasm_cold_start = once(performance.now() - start);
  const run = wasmForward(ort, config, { transformer: session, lmHead });
  const { repeats } = context;
  result.timings.wasm_analyze12 = await time(() => run(promptIds(12)), { repeats, warmup: 2 });
  result.timings.wasm_analyze128 = await time(() => run(promptIds(128)), { repeats: Math.ceil(repeats / 2) });
  for (const past of [12, 200]) {
    const prompt = await run(promptIds(past));
    const name = past === 12 ? 'wasm_step' : `wasm_step${past}`;
    result.timings[name] = await time(() => run([NEXT_ID], prompt), { repeats: repeats * 2, warmup: 2 });
  }
  result.notes.push(WASM_NOTE);
  await Promise.all([session.release(), lmHead.release()]);
  return result;
}

/** As Gpt2Model.forward: the transformer, then the lm_head on the last position's residual. */
export function wasmForward(ort: typeof OrtWeb, config: Gpt2Config, sessions: { transformer: OrtWeb.InferenceSession; lmHead: OrtWeb.InferenceSession }) {
  return async (ids: number[], past?: Outputs): Promise<Outputs> => {
    const out = await sessions.transformer.run(feeds(ort, config, ids, past));
    const hidden = out.hidden.data as Float32Array;
    await sessions.lmHead.run({ residual: new ort.Tensor('float32', hidden.slice(hidden.length - config.nEmbd), [1, config.nEmbd]) });
    return out;
  };
}

/** input_ids plus the past keys/values: a previous run's present_* outputs, or empty [1, H, 0, dh]. */
function feeds(ort: typeof OrtWeb, config: Gpt2Config, ids: number[], past?: Outputs): Record<string, OrtWeb.Tensor> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, H, 0, d / H]);
  const result: Record<string, OrtWeb.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
  for (let i = 0; i < L; i++) {
    result[`past_key.${i}`] = past?.[`present_key.${i}`] ?? empty();
    result[`past_value.${i}`] = past?.[`present_value.${i}`] ?? empty();
  }
  return result;
}
