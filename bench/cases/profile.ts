// Why our figures are what they are: our graph on onnxruntime-node with ORT's profiler (kernel time
// per operator type for a step and a 12-token prompt), and the same passes fetching only what the
// next token needs (logits and the KV cache), to price the extra outputs the views read.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildGpt2Graph } from '../../src/engine/graph';
import type { Gpt2Config } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { kernelMsPerRun, meanOpMs } from '../harness/ort-profile';
import { time } from '../harness/stats';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights } from './weights';

type Outputs = ort.InferenceSession.ReturnType;

export async function profile(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const { config, source } = await openBenchWeights(context.modelDir);
  const graph = buildGpt2Graph(config, source);
  await profilePasses(context, config, graph, result);
  await timeFetchSubsets(context, config, graph, result);
  return result;
}

function sessionOptions(context: CaseContext, prefix?: string): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: context.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { model_external_initializers_file_folder_path: resolve(context.modelDir) } },
    ...(prefix ? { enableProfiling: true, profileFilePrefix: prefix } : {}),
  };
}

/** Runs: [analyze12 × (warmup + n)], [prompt of 12], [step × (warmup + n)]; the warm-ups are left out. */
async function profilePasses(context: CaseContext, config: Gpt2Config, graph: Uint8Array, result: CaseResult): Promise<void> {
  const prefix = join(context.workDir, `profile-${process.pid}`);
  const session = await ort.InferenceSession.create(graph, sessionOptions(context, prefix));
  const [warmup, n] = [2, context.repeats];
  for (let i = 0; i < warmup + n; i++) await session.run(feeds(config, promptIds(12)));
  const prompt = await session.run(feeds(config, promptIds(12)));
  for (let i = 0; i < warmup + n; i++) await session.run(feeds(config, [NEXT_ID], prompt));
  await session.release(); // writes the profile
  const file = readdirSync(context.workDir).find((name) => name.startsWith(`profile-${process.pid}`));
  if (!file) throw new Error('ORT wrote no profile');
  const runs = kernelMsPerRun(join(context.workDir, file));
  const analyze = meanOpMs(runs.slice(warmup, warmup + n));
  const step = meanOpMs(runs.slice(warmup + n + 1 + warmup));
  for (const [op, ms] of Object.entries(analyze)) result.values[`profile_analyze12_op_${op}_ms`] = ms;
  for (const [op, ms] of Object.entries(step)) result.values[`profile_step_op_${op}_ms`] = ms;
  result.notes.push(`ORT profile of our graph: bench/.models/${file}`);
}

/** The same passes fetching every output, and only logits + present_* (what choosing a next token needs). */
async function timeFetchSubsets(context: CaseContext, config: Gpt2Config, graph: Uint8Array, result: CaseResult): Promise<void> {
  const session = await ort.InferenceSession.create(graph, sessionOptions(context));
  const minimal = session.outputNames.filter((name) => name === 'logits' || name.startsWith('present_'));
  const { repeats } = context;
  const prompt = await session.run(feeds(config, promptIds(12)));
  result.timings.graph_analyze12_all_outputs = await time(() => session.run(feeds(config, promptIds(12))), { repeats, warmup: 2 });
  result.timings.graph_analyze12_logits_cache_only = await time(() => session.run(feeds(config, promptIds(12)), minimal), { repeats, warmup: 2 });
  result.timings.graph_step12_all_outputs = await time(() => session.run(feeds(config, [NEXT_ID], prompt)), { repeats: repeats * 2, warmup: 2 });
  result.timings.graph_step12_logits_cache_only = await time(() => session.run(feeds(config, [NEXT_ID], prompt), minimal), { repeats: repeats * 2, warmup: 2 });
  await session.release();
}

function feeds(config: Gpt2Config, ids: number[], past?: Outputs): Record<string, ort.Tensor> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, H, 0, d / H]);
  const result: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
  for (let i = 0; i < L; i++) {
    result[`past_key.${i}`] = past?.[`present_key.${i}`] ?? empty();
    result[`past_value.${i}`] = past?.[`present_value.${i}`] ?? empty();
  }
  return result;
}
