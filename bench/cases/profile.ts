// Why our figures are what they are: our graph on onnxruntime-node with ORT's profiler (kernel time
// per operator type for a step and a 12-token prompt), and the same passes fetching only what the
// next token needs (logits and the KV cache), to price the extra outputs the views read.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTransformer } from '../../src/engine/graph';
import type { Gpt2Config } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { kernelMsPerRun, meanOpMs } from '../harness/ort-profile';
import { time } from '../harness/stats';
import { NEXT_ID, promptIds } from './prompts';
import { engineOptions, graphFeeds } from './graph-session';
import { openBenchWeights } from './weights';

export async function profile(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const { config, source } = await openBenchWeights(context.modelDir);
  const graph = buildTransformer(config, source);
  await profilePasses(context, config, graph, result);
  await timeFetchSubsets(context, config, graph, result);
  return result;
}

/** The profiled passes, in the order they run; each is run warm-up times untimed, then `runs` times. */
interface ProfiledPass {
  name: 'analyze12' | 'analyze128' | 'step';
  feeds: () => Record<string, ort.Tensor>;
  runs: number;
}

async function profilePasses(context: CaseContext, config: Gpt2Config, graph: Uint8Array, result: CaseResult): Promise<void> {
  for (const old of readdirSync(context.workDir).filter((name) => name.startsWith('profile-'))) rmSync(join(context.workDir, old));
  const prefix = join(context.workDir, `profile-${process.pid}`);
  const session = await ort.InferenceSession.create(graph, { ...engineOptions(context), enableProfiling: true, profileFilePrefix: prefix });
  const warmup = 2;
  const prompt = await session.run(graphFeeds(config, promptIds(12))); // run 0, left out
  const passes: ProfiledPass[] = [
    { name: 'analyze12', feeds: () => graphFeeds(config, promptIds(12)), runs: context.repeats },
    { name: 'analyze128', feeds: () => graphFeeds(config, promptIds(128)), runs: Math.ceil(context.repeats / 2) },
    { name: 'step', feeds: () => graphFeeds(config, [NEXT_ID], prompt), runs: context.repeats },
  ];
  for (const pass of passes) for (let i = 0; i < warmup + pass.runs; i++) await session.run(pass.feeds());
  await session.release(); // writes the profile
  const file = readdirSync(context.workDir).find((name) => name.startsWith(`profile-${process.pid}`));
  if (!file) throw new Error('ORT wrote no profile');
  const runs = kernelMsPerRun(join(context.workDir, file));
  let next = 1;
  for (const pass of passes) {
    const mean = meanOpMs(runs.slice(next + warmup, next + warmup + pass.runs));
    next += warmup + pass.runs;
    for (const [op, ms] of Object.entries(mean)) result.values[`profile_${pass.name}_op_${op}_ms`] = ms;
  }
  result.notes.push(`ORT profile of our graph: bench/.models/${file}`);
}

/** The same passes fetching every output, and only logits + present_* (what choosing a next token needs). */
async function timeFetchSubsets(context: CaseContext, config: Gpt2Config, graph: Uint8Array, result: CaseResult): Promise<void> {
  const session = await ort.InferenceSession.create(graph, engineOptions(context));
  const minimal = session.outputNames.filter((name) => name === 'logits' || name.startsWith('present_'));
  const { repeats } = context;
  const prompt = await session.run(graphFeeds(config, promptIds(12)));
  result.timings.graph_analyze12_all_outputs = await time(() => session.run(graphFeeds(config, promptIds(12))), { repeats, warmup: 2 });
  result.timings.graph_analyze12_logits_cache_only = await time(() => session.run(graphFeeds(config, promptIds(12)), minimal), { repeats, warmup: 2 });
  result.timings.graph_step12_all_outputs = await time(() => session.run(graphFeeds(config, [NEXT_ID], prompt)), { repeats: repeats * 2, warmup: 2 });
  result.timings.graph_step12_logits_cache_only = await time(() => session.run(graphFeeds(config, [NEXT_ID], prompt), minimal), { repeats: repeats * 2, warmup: 2 });
  await session.release();
}
