// Why our figures are what they are: the engine's two sessions (transformer, then the lm_head on the
// last position, as Gpt2Model.forward runs them) under ORT's profiler — kernel time per operator type
// for a step and for prompts of 12 and 128 tokens, both sessions summed, the lm_head's operators on
// rows of their own — and the two sessions timed apart, to price the split into two runs.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildLmHead, buildTransformer } from '../../src/engine/graph';
import type { Gpt2Config } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { kernelMsPerRun, meanOpMs, mergeRuns } from '../harness/ort-profile';
import { interleave } from '../harness/stats';
import { NEXT_ID, promptIds } from './prompts';
import { engineOptions, graphFeeds, graphPass, lastResidual, type GraphSessions } from './graph-session';
import { openBenchWeights } from './weights';

interface Graphs {
  transformer: Uint8Array;
  lmHead: Uint8Array;
}

export async function profile(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const { config, source } = await openBenchWeights(context.modelDir);
  const graphs = { transformer: buildTransformer(config, source), lmHead: buildLmHead(config, source) };
  await profilePasses(context, config, graphs, result);
  await timeSessionsApart(context, config, graphs, result);
  return result;
}

/** The profiled passes, in the order they run; each is run warm-up times untimed, then `runs` times. */
interface ProfiledPass {
  name: 'analyze12' | 'analyze128' | 'step';
  ids: number[];
  fromPrompt: boolean; // continues the 12-token prompt's KV cache
  runs: number;
}

async function profilePasses(context: CaseContext, config: Gpt2Config, graphs: Graphs, result: CaseResult): Promise<void> {
  for (const old of readdirSync(context.workDir).filter((name) => name.startsWith('profile-'))) rmSync(join(context.workDir, old));
  const open = (graph: Uint8Array, name: string) =>
    ort.InferenceSession.create(graph, { ...engineOptions(context), enableProfiling: true, profileFilePrefix: join(context.workDir, `profile-${process.pid}-${name}`) });
  const sessions = { transformer: await open(graphs.transformer, 'transformer'), lmHead: await open(graphs.lmHead, 'lm_head') };
  const warmup = 2;
  const prompt = await graphPass(sessions, config, promptIds(12)); // run 0 of each session, left out
  const passes: ProfiledPass[] = [
    { name: 'analyze12', ids: promptIds(12), fromPrompt: false, runs: context.repeats },
    { name: 'analyze128', ids: promptIds(128), fromPrompt: false, runs: Math.ceil(context.repeats / 2) },
    { name: 'step', ids: [NEXT_ID], fromPrompt: true, runs: context.repeats },
  ];
  for (const pass of passes) {
    for (let i = 0; i < warmup + pass.runs; i++) await graphPass(sessions, config, pass.ids, pass.fromPrompt ? prompt : undefined);
  }
  await Promise.all([sessions.transformer.release(), sessions.lmHead.release()]); // writes the profiles
  const runs = mergeRuns(kernelMsPerRun(profileFile(context, 'transformer')), kernelMsPerRun(profileFile(context, 'lm_head'), 'lm_head'));
  let next = 1;
  for (const pass of passes) {
    const mean = meanOpMs(runs.slice(next + warmup, next + warmup + pass.runs));
    next += warmup + pass.runs;
    for (const [op, ms] of Object.entries(mean)) result.values[`profile_${pass.name}_op_${op}_ms`] = ms;
  }
  result.notes.push(`ORT profiles of our two sessions: ${['transformer', 'lm_head'].map((name) => `bench/.models/${profileFile(context, name, false)}`).join(', ')}`);
}

function profileFile(context: CaseContext, session: string, withDir = true): string {
  const file = readdirSync(context.workDir).find((name) => name.startsWith(`profile-${process.pid}-${session}`));
  if (!file) throw new Error(`ORT wrote no profile for the ${session} session`);
  return withDir ? join(context.workDir, file) : file;
}

/**
 * The transformer alone, the lm_head alone on one row, and the pass that runs both (what forward
 * does), interleaved round by round: the pass minus the two parts is what the split into two
 * sessions costs (a second run call, the residual copied out of hidden).
 */
async function timeSessionsApart(context: CaseContext, config: Gpt2Config, graphs: Graphs, result: CaseResult): Promise<void> {
  const sessions: GraphSessions = {
    transformer: await ort.InferenceSession.create(graphs.transformer, engineOptions(context)),
    lmHead: await ort.InferenceSession.create(graphs.lmHead, engineOptions(context)),
  };
  const prompt = await graphPass(sessions, config, promptIds(12));
  const residual = lastResidual(config, prompt);
  for (const [name, ids, past] of [['analyze12', promptIds(12), undefined], ['step12', [NEXT_ID], prompt]] as const) {
    const timings = await interleave(
      [
        { name: 'transformer', run: () => sessions.transformer.run(graphFeeds(config, [...ids], past)) },
        { name: 'lm_head', run: () => sessions.lmHead.run({ residual }) },
        { name: 'pass', run: () => graphPass(sessions, config, [...ids], past) },
      ],
      { rounds: context.repeats * 2, warmup: 2 },
    );
    for (const [part, timing] of Object.entries(timings)) result.timings[`graph_${name}_${part}`] = timing;
  }
  await Promise.all([sessions.transformer.release(), sessions.lmHead.release()]);
}
