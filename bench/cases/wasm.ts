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
import { lastResidual, transformerFeeds } from './feeds';
import { WASM_NOTE } from './floor';
import { loadOrtWeb } from './ort-web';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights, WEIGHTS_FILE } from './weights';

type Outputs = OrtWeb.InferenceSession.ReturnType;

export async function wasm(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  await loadOrtWeb(context.threads); // the runtime's own start-up is not the model's cold start
  const start = performance.now();
  const peer = await openWasmPeer(context);
  result.timings.wasm_cold_start = once(performance.now() - start);
  const { repeats } = context;
  result.timings.wasm_analyze12 = await time(() => peer.run(promptIds(12)), { repeats, warmup: 2 });
  result.timings.wasm_analyze128 = await time(() => peer.run(promptIds(128)), { repeats: Math.ceil(repeats / 2) });
  for (const past of [12, 200]) {
    const prompt = await peer.run(promptIds(past));
    const name = past === 12 ? 'wasm_step' : `wasm_step${past}`;
    result.timings[name] = await time(() => peer.run([NEXT_ID], prompt), { repeats: repeats * 2, warmup: 2 });
  }
  result.notes.push(WASM_NOTE);
  await peer.release();
  return result;
}

/** The peer, ready to run: our two graphs on onnxruntime-web, weights copied in from model.safetensors. */
export async function openWasmPeer(context: CaseContext): Promise<{ run: ReturnType<typeof wasmForward>; release: () => Promise<void> }> {
  const ort = await loadOrtWeb(context.threads);
  const { config, source } = await openBenchWeights(context.modelDir);
  const weights = readFileSync(join(context.modelDir, WEIGHTS_FILE)); // wasm has no file mapping: the bytes are copied in
  const options: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    externalData: [{ path: WEIGHTS_FILE, data: weights }],
  };
  const transformer = await ort.InferenceSession.create(buildTransformer(config, source), options);
  const lmHead = await ort.InferenceSession.create(buildLmHead(config, source), options);
  return {
    run: wasmForward(ort, config, { transformer, lmHead }),
    release: async () => void (await Promise.all([transformer.release(), lmHead.release()])),
  };
}

/** As Gpt2Model.forward: the transformer, then the lm_head on the last position's residual. */
export function wasmForward(ort: typeof OrtWeb, config: Gpt2Config, sessions: { transformer: OrtWeb.InferenceSession; lmHead: OrtWeb.InferenceSession }) {
  return async (ids: number[], past?: Outputs): Promise<Outputs> => {
    const out = await sessions.transformer.run(transformerFeeds(ort.Tensor, config, ids, past));
    await sessions.lmHead.run({ residual: lastResidual(ort.Tensor, config, out) });
    return out;
  };
}
